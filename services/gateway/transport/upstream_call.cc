#include "services/gateway/transport/upstream_call.h"

namespace clienttier::gateway {

UpstreamCall::UpstreamCall(grpc::GenericStub& stub, const std::string& method_path,
                           const CallOptions& options) {
  for (const auto& [key, value] : options.metadata) {
    context_.AddMetadata(key, value);
  }
  context_.set_deadline(options.deadline);
  call_ = stub.PrepareCall(&context_, method_path, &queue_);
  call_->StartCall(nullptr);
  (void)Wait();  // a failed start shows in the first Write or Read, and in Finish
}

UpstreamCall::~UpstreamCall() {
  if (!finished_) {
    Cancel();
    (void)Finish();
  }
  queue_.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue_.Next(&tag, &ok)) {
  }
}

bool UpstreamCall::Wait() {
  void* tag = nullptr;
  bool ok = false;
  return queue_.Next(&tag, &ok) && ok;
}

bool UpstreamCall::Write(const std::string& bytes) {
  grpc::Slice slice(bytes);
  call_->Write(grpc::ByteBuffer(&slice, 1), nullptr);
  return Wait();
}

bool UpstreamCall::WritesDone() {
  call_->WritesDone(nullptr);
  return Wait();
}

bool UpstreamCall::Read(std::string* bytes) {
  grpc::ByteBuffer buffer;
  call_->Read(&buffer, nullptr);
  if (!Wait()) {
    return false;
  }
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) {
    return false;
  }
  bytes->clear();
  for (const grpc::Slice& slice : slices) {
    bytes->append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return true;
}

grpc::Status UpstreamCall::Finish() {
  grpc::Status status;
  call_->Finish(&status, nullptr);
  (void)Wait();
  finished_ = true;
  return status;
}

}  // namespace clienttier::gateway
