#include "services/campaign/campaign_service.h"

#include <algorithm>

#include "common/validation/validation.h"
#include "services/campaign/domain/campaign_state.h"
#include "services/campaign/domain/frequency_cap.h"
#include "services/campaign/domain/holdout.h"

namespace clienttier::campaign {

namespace {

constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxKeyLength = 128;
constexpr size_t kMaxSegmentName = 200;
constexpr size_t kMaxDescription = 1000;
constexpr int kDefaultSample = 10;
constexpr int kMaxSample = 100;
constexpr int kDefaultChunk = 1000;
constexpr int kMaxChunk = 10000;
constexpr int64_t kMaxRevenueUnits = 1'000'000'000'000;
// Outcomes of one RecordOutcomes call: one transaction a few hundred milliseconds long.
constexpr int kMaxOutcomesPerCall = 1000;
constexpr int kMaxContactsPerRule = 1000;
constexpr UnixMicros kDefaultCampaignLength = 30 * kMicrosPerDay;
// Outcomes from 2000 on, and at most a day ahead of the server's clock.
constexpr UnixMicros kEarliest = 946'684'800 * kMicrosPerSecond;
// Schedules from 2000 on and at most five years (of 365.25 days) ahead: a year-9999 campaign is
// a typo, and would sit in every "is it running" check for ever.
constexpr UnixMicros kMaxScheduleAhead = 1'826 * kMicrosPerDay + 6 * 3'600 * kMicrosPerSecond;

// Page tokens are the last id of the previous page.
std::string AfterId(const common::v1::PageRequest& page) {
  if (!page.page_token().empty()) {
    validation::CheckId("page.page_token", page.page_token(), kMaxIdLength);
  }
  return page.page_token();
}

void CheckSegmentShape(const v1::Segment& segment) {
  validation::CheckId("segment.segment_id", segment.segment_id(), kMaxIdLength);
  validation::CheckText("segment.name", segment.name(), kMaxSegmentName * 4, true);
  validation::CheckText("segment.description", segment.description(), kMaxDescription * 4, false);
  if (segment.rule().empty()) {
    throw InvalidArgument("segment.rule", "required");
  }
}

// The campaign as it is stored: the checked definition, with defaults filled in.
v1::Campaign CheckedCampaign(const v1::Campaign& input, UnixMicros now) {
  validation::CheckId("campaign.campaign_id", input.campaign_id(), kMaxIdLength);
  validation::CheckId("campaign.segment_id", input.segment_id(), kMaxIdLength);
  validation::CheckEnum("campaign.channel", input.channel(), common::v1::ContactChannel_IsValid,
                        true);
  validation::CheckEnum("campaign.trigger", input.trigger(), v1::CampaignTrigger_IsValid, false);
  if (!input.schedule().has_start_at()) {
    throw InvalidArgument("campaign.schedule.start_at", "required");
  }
  validation::CheckTimestamp("campaign.schedule.start_at", input.schedule().start_at(), kEarliest,
                             now + kMaxScheduleAhead);
  if (input.schedule().has_end_at()) {
    validation::CheckTimestamp("campaign.schedule.end_at", input.schedule().end_at(), kEarliest,
                               now + kMaxScheduleAhead);
  }
  CampaignDefinition definition;
  definition.name = input.name();
  definition.channel = static_cast<Channel>(static_cast<int>(input.channel()));
  definition.offer.text = input.offer().text();
  if (input.offer().has_value()) {
    definition.offer.value =
        OfferValue{input.offer().value().units(), input.offer().value().currency()};
  }
  definition.schedule.start_at = FromProtoTimestamp(input.schedule().start_at());
  definition.schedule.end_at = input.schedule().has_end_at()
                                   ? FromProtoTimestamp(input.schedule().end_at())
                                   : definition.schedule.start_at + kDefaultCampaignLength;
  definition.holdout_bp = input.holdout_bp();
  ValidateCampaignDefinition(definition, "campaign");

  v1::Campaign campaign;
  campaign.set_campaign_id(input.campaign_id());
  campaign.set_name(input.name());
  campaign.set_segment_id(input.segment_id());
  campaign.set_channel(input.channel());
  *campaign.mutable_offer() = input.offer();
  *campaign.mutable_schedule()->mutable_start_at() = input.schedule().start_at();
  *campaign.mutable_schedule()->mutable_end_at() = ToProtoTimestamp(definition.schedule.end_at);
  campaign.set_holdout_bp(input.holdout_bp());
  campaign.set_trigger(input.trigger() == v1::CAMPAIGN_TRIGGER_UNSPECIFIED
                           ? v1::CAMPAIGN_TRIGGER_NONE
                           : input.trigger());
  return campaign;
}

void CheckCampaignId(const std::string& campaign_id) {
  validation::CheckId("campaign_id", campaign_id, kMaxIdLength);
}

// An outcome as RecordOutcome (prefix "") or RecordOutcomes ("outcomes[i].") takes it: every
// rule checked, fields named with `prefix`; occurred_at unset means `now`.
OutcomeRow OutcomeFromRequest(const v1::RecordOutcomeRequest& request, const std::string& prefix,
                              UnixMicros now) {
  validation::CheckId(prefix + "campaign_id", request.campaign_id(), kMaxIdLength);
  validation::CheckId(prefix + "client_id", request.client_id(), kMaxIdLength);
  validation::CheckId(prefix + "idempotency_key", request.idempotency_key(), kMaxKeyLength);
  OutcomeRow outcome;
  outcome.campaign_id = request.campaign_id();
  outcome.client_id = request.client_id();
  outcome.idempotency_key = request.idempotency_key();
  outcome.converted = request.converted();
  if (request.has_revenue()) {
    validation::CheckMoney(prefix + "revenue", request.revenue(), 0, kMaxRevenueUnits);
    outcome.revenue_minor = request.revenue().units();
    outcome.currency = request.revenue().currency();
  }
  if (!outcome.converted && outcome.revenue_minor != 0) {
    throw InvalidArgument(prefix + "revenue", "must be 0 when converted is false");
  }
  outcome.occurred_at = now;
  if (request.has_occurred_at()) {
    validation::CheckTimestamp(prefix + "occurred_at", request.occurred_at(), kEarliest,
                               now + kMicrosPerDay);
    outcome.occurred_at = FromProtoTimestamp(request.occurred_at());
  }
  return outcome;
}

v1::CampaignSettings ToProto(const TenantSettings& settings) {
  v1::CampaignSettings proto;
  for (const CapRule& cap : settings.caps) {
    v1::FrequencyCap& out = *proto.add_caps();
    out.set_max_contacts(static_cast<int32_t>(cap.max_contacts));
    out.set_window_days(static_cast<int32_t>(cap.window_days));
  }
  proto.set_welcome_campaign_id(settings.welcome_campaign_id);
  proto.set_retention_campaign_id(settings.retention_campaign_id);
  proto.set_currency(settings.currency);
  proto.set_version(settings.version);
  for (const std::string& tag : settings.sensitive.tags) {
    proto.add_sensitive_tags(tag);
  }
  proto.set_segment_sensitive_consent(
      static_cast<common::v1::SensitiveDataPurpose>(settings.sensitive.segment_consent));
  proto.set_advice_sensitive_consent(
      static_cast<common::v1::SensitiveDataPurpose>(settings.sensitive.advice_consent));
  return proto;
}

}  // namespace

CampaignService::CampaignService(RpcRunner& runner, CampaignUseCaseSet use_cases,
                                 const Clock& clock)
    : runner_(runner), use_cases_(use_cases), clock_(clock) {}

grpc::Status CampaignService::CreateSegment(grpc::ServerContext* context,
                                            const v1::CreateSegmentRequest* request,
                                            v1::Segment* response) {
  return runner_.Run(context, "CreateSegment", Role::kWriter, [&](const Caller& caller) {
    CheckSegmentShape(request->segment());
    *response = use_cases_.segments.Create(caller.tenant_id, request->segment());
  });
}

grpc::Status CampaignService::GetSegment(grpc::ServerContext* context,
                                         const v1::GetSegmentRequest* request,
                                         v1::Segment* response) {
  return runner_.Run(context, "GetSegment", Role::kReader, [&](const Caller& caller) {
    validation::CheckId("segment_id", request->segment_id(), kMaxIdLength);
    *response = use_cases_.segments.Get(caller.tenant_id, request->segment_id());
  });
}

grpc::Status CampaignService::UpdateSegment(grpc::ServerContext* context,
                                            const v1::UpdateSegmentRequest* request,
                                            v1::Segment* response) {
  return runner_.Run(context, "UpdateSegment", Role::kWriter, [&](const Caller& caller) {
    CheckSegmentShape(request->segment());
    if (request->expected_version() < 1) {
      throw InvalidArgument("expected_version", "required (>= 1)");
    }
    *response = use_cases_.segments.Update(caller.tenant_id, request->segment(),
                                           request->expected_version());
  });
}

grpc::Status CampaignService::ListSegments(grpc::ServerContext* context,
                                           const v1::ListSegmentsRequest* request,
                                           v1::ListSegmentsResponse* response) {
  return runner_.Run(context, "ListSegments", Role::kReader, [&](const Caller& caller) {
    const int limit = validation::PageSize(request->page());
    auto segments = use_cases_.segments.List(caller.tenant_id, AfterId(request->page()), limit);
    for (v1::Segment& segment : segments) {
      *response->add_segments() = std::move(segment);
    }
    if (response->segments_size() == limit) {
      response->mutable_page()->set_next_page_token(response->segments(limit - 1).segment_id());
    }
  });
}

grpc::Status CampaignService::DeleteSegment(grpc::ServerContext* context,
                                            const v1::DeleteSegmentRequest* request,
                                            v1::DeleteSegmentResponse*) {
  return runner_.Run(context, "DeleteSegment", Role::kWriter, [&](const Caller& caller) {
    validation::CheckId("segment_id", request->segment_id(), kMaxIdLength);
    use_cases_.segments.Delete(caller.tenant_id, request->segment_id());
  });
}

grpc::Status CampaignService::PreviewSegment(grpc::ServerContext* context,
                                             const v1::PreviewSegmentRequest* request,
                                             v1::SegmentPreview* response) {
  return runner_.Run(context, "PreviewSegment", Role::kReader, [&](const Caller& caller) {
    if (request->sample_size() < 0 || request->sample_size() > kMaxSample) {
      throw InvalidArgument("sample_size", "must be between 0 and 100");
    }
    const int sample = request->sample_size() == 0 ? kDefaultSample : request->sample_size();
    if (request->has_segment_id()) {
      validation::CheckId("segment_id", request->segment_id(), kMaxIdLength);
      *response = use_cases_.segments.Preview(caller.tenant_id, request->segment_id(), "", sample);
    } else if (request->has_rule()) {
      if (request->rule().empty()) {
        throw InvalidArgument("rule", "required");
      }
      *response = use_cases_.segments.Preview(caller.tenant_id, "", request->rule(), sample);
    } else {
      throw InvalidArgument("target", "set segment_id or rule");
    }
  });
}

grpc::Status CampaignService::StreamSegmentMembers(
    grpc::ServerContext* context, const v1::StreamSegmentMembersRequest* request,
    grpc::ServerWriter<v1::SegmentMembersChunk>* writer) {
  return runner_.Run(context, "StreamSegmentMembers", Role::kReader, [&](const Caller& caller) {
    validation::CheckId("segment_id", request->segment_id(), kMaxIdLength);
    if (!request->after_client_id().empty()) {
      validation::CheckId("after_client_id", request->after_client_id(), kMaxIdLength);
    }
    if (request->chunk_size() < 0 || request->chunk_size() > kMaxChunk) {
      throw InvalidArgument("chunk_size", "must be between 0 and 10000");
    }
    const int chunk = request->chunk_size() == 0 ? kDefaultChunk : request->chunk_size();
    use_cases_.segments.StreamMembers(caller.tenant_id, request->segment_id(),
                                      request->after_client_id(), chunk,
                                      [&](const v1::SegmentMembersChunk& members) {
                                        return !context->IsCancelled() && writer->Write(members);
                                      });
  });
}

grpc::Status CampaignService::CreateCampaign(grpc::ServerContext* context,
                                             const v1::CreateCampaignRequest* request,
                                             v1::Campaign* response) {
  return runner_.Run(context, "CreateCampaign", Role::kWriter, [&](const Caller& caller) {
    *response = use_cases_.campaigns.Create(caller.tenant_id,
                                            CheckedCampaign(request->campaign(), clock_.Now()));
  });
}

grpc::Status CampaignService::GetCampaign(grpc::ServerContext* context,
                                          const v1::GetCampaignRequest* request,
                                          v1::Campaign* response) {
  return runner_.Run(context, "GetCampaign", Role::kReader, [&](const Caller& caller) {
    CheckCampaignId(request->campaign_id());
    *response = use_cases_.campaigns.Get(caller.tenant_id, request->campaign_id());
  });
}

grpc::Status CampaignService::ListCampaigns(grpc::ServerContext* context,
                                            const v1::ListCampaignsRequest* request,
                                            v1::ListCampaignsResponse* response) {
  return runner_.Run(context, "ListCampaigns", Role::kReader, [&](const Caller& caller) {
    const int limit = validation::PageSize(request->page());
    validation::CheckEnum("state", request->state(), v1::CampaignState_IsValid, false);
    auto campaigns = use_cases_.campaigns.List(caller.tenant_id, AfterId(request->page()),
                                               request->state(), limit);
    for (v1::Campaign& campaign : campaigns) {
      *response->add_campaigns() = std::move(campaign);
    }
    if (response->campaigns_size() == limit) {
      response->mutable_page()->set_next_page_token(response->campaigns(limit - 1).campaign_id());
    }
  });
}

grpc::Status CampaignService::SimulateCampaign(grpc::ServerContext* context,
                                               const v1::SimulateCampaignRequest* request,
                                               v1::AudienceSummary* response) {
  return runner_.Run(context, "SimulateCampaign", Role::kReader, [&](const Caller& caller) {
    CheckCampaignId(request->campaign_id());
    *response = use_cases_.campaigns.Simulate(caller.tenant_id, request->campaign_id());
  });
}

grpc::Status CampaignService::LaunchCampaign(grpc::ServerContext* context,
                                             const v1::LaunchCampaignRequest* request,
                                             v1::Campaign* response) {
  return runner_.Run(context, "LaunchCampaign", Role::kWriter, [&](const Caller& caller) {
    CheckCampaignId(request->campaign_id());
    *response = use_cases_.campaigns.Launch(caller.tenant_id, request->campaign_id());
  });
}

grpc::Status CampaignService::PauseCampaign(grpc::ServerContext* context,
                                            const v1::PauseCampaignRequest* request,
                                            v1::Campaign* response) {
  return runner_.Run(context, "PauseCampaign", Role::kWriter, [&](const Caller& caller) {
    CheckCampaignId(request->campaign_id());
    *response = use_cases_.campaigns.Pause(caller.tenant_id, request->campaign_id());
  });
}

grpc::Status CampaignService::CompleteCampaign(grpc::ServerContext* context,
                                               const v1::CompleteCampaignRequest* request,
                                               v1::Campaign* response) {
  return runner_.Run(context, "CompleteCampaign", Role::kWriter, [&](const Caller& caller) {
    CheckCampaignId(request->campaign_id());
    *response = use_cases_.campaigns.Complete(caller.tenant_id, request->campaign_id());
  });
}

grpc::Status CampaignService::RecordOutcome(grpc::ServerContext* context,
                                            const v1::RecordOutcomeRequest* request,
                                            v1::RecordOutcomeResponse* response) {
  return runner_.Run(context, "RecordOutcome", Role::kWriter, [&](const Caller& caller) {
    *response = use_cases_.outcomes.Record(caller.tenant_id,
                                           OutcomeFromRequest(*request, "", clock_.Now()));
  });
}

grpc::Status CampaignService::RecordOutcomes(grpc::ServerContext* context,
                                             const v1::RecordOutcomesRequest* request,
                                             v1::RecordOutcomesResponse* response) {
  return runner_.Run(context, "RecordOutcomes", Role::kWriter, [&](const Caller& caller) {
    if (request->outcomes().empty() || request->outcomes_size() > kMaxOutcomesPerCall) {
      throw InvalidArgument("outcomes",
                            "1 to " + std::to_string(kMaxOutcomesPerCall) + " outcomes a call");
    }
    const UnixMicros now = clock_.Now();
    std::vector<OutcomeRow> outcomes;
    outcomes.reserve(static_cast<size_t>(request->outcomes_size()));
    for (int i = 0; i < request->outcomes_size(); ++i) {
      outcomes.push_back(
          OutcomeFromRequest(request->outcomes(i), "outcomes[" + std::to_string(i) + "].", now));
    }
    *response = use_cases_.outcomes.RecordMany(caller.tenant_id, std::move(outcomes));
  });
}

grpc::Status CampaignService::GetCampaignReport(grpc::ServerContext* context,
                                                const v1::GetCampaignReportRequest* request,
                                                v1::CampaignReport* response) {
  return runner_.Run(context, "GetCampaignReport", Role::kReader, [&](const Caller& caller) {
    CheckCampaignId(request->campaign_id());
    *response = use_cases_.outcomes.Report(caller.tenant_id, request->campaign_id());
  });
}

grpc::Status CampaignService::GetNextBestAction(grpc::ServerContext* context,
                                                const v1::GetNextBestActionRequest* request,
                                                v1::NextBestAction* response) {
  return runner_.Run(context, "GetNextBestAction", Role::kReader, [&](const Caller& caller) {
    validation::CheckId("client_id", request->client_id(), kMaxIdLength);
    *response = use_cases_.advice.NextBestActionFor(caller.tenant_id, request->client_id());
  });
}

grpc::Status CampaignService::GetCampaignSettings(grpc::ServerContext* context,
                                                  const v1::GetCampaignSettingsRequest*,
                                                  v1::CampaignSettings* response) {
  return runner_.Run(context, "GetCampaignSettings", Role::kReader, [&](const Caller& caller) {
    *response = ToProto(use_cases_.settings.Get(caller.tenant_id));
  });
}

grpc::Status CampaignService::PutCampaignSettings(grpc::ServerContext* context,
                                                  const v1::PutCampaignSettingsRequest* request,
                                                  v1::CampaignSettings* response) {
  return runner_.Run(context, "PutCampaignSettings", Role::kAdmin, [&](const Caller& caller) {
    const v1::CampaignSettings& input = request->settings();
    TenantSettings settings;
    for (int i = 0; i < input.caps_size(); ++i) {
      const v1::FrequencyCap& cap = input.caps(i);
      if (cap.max_contacts() < 1 || cap.max_contacts() > kMaxContactsPerRule) {
        throw InvalidArgument("settings.caps[" + std::to_string(i) + "].max_contacts",
                              "must be between 1 and 1000");
      }
      settings.caps.push_back({cap.max_contacts(), cap.window_days()});
    }
    ValidateCapRules(settings.caps, "settings.caps");
    for (const auto& [field, value] :
         {std::pair{"settings.welcome_campaign_id", &input.welcome_campaign_id()},
          std::pair{"settings.retention_campaign_id", &input.retention_campaign_id()}}) {
      if (!value->empty()) {
        validation::CheckId(field, *value, kMaxIdLength);
      }
    }
    settings.welcome_campaign_id = input.welcome_campaign_id();
    settings.retention_campaign_id = input.retention_campaign_id();
    if (input.currency().empty()) {
      throw InvalidArgument("settings.currency", "required");
    }
    if (!validation::IsKnownCurrency(input.currency())) {
      throw InvalidArgument("settings.currency", "unknown ISO 4217 code");
    }
    settings.currency = input.currency();
    if (static_cast<size_t>(input.sensitive_tags_size()) > kMaxSensitiveTags) {
      throw InvalidArgument("settings.sensitive_tags",
                            "at most " + std::to_string(kMaxSensitiveTags) + " tags");
    }
    for (int i = 0; i < input.sensitive_tags_size(); ++i) {
      validation::CheckLabel("settings.sensitive_tags[" + std::to_string(i) + "]",
                             input.sensitive_tags(i), 64, true);
      settings.sensitive.tags.push_back(input.sensitive_tags(i));
    }
    std::sort(settings.sensitive.tags.begin(), settings.sensitive.tags.end());
    settings.sensitive.tags.erase(
        std::unique(settings.sensitive.tags.begin(), settings.sensitive.tags.end()),
        settings.sensitive.tags.end());
    validation::CheckEnum("settings.segment_sensitive_consent", input.segment_sensitive_consent(),
                          common::v1::SensitiveDataPurpose_IsValid, false);
    validation::CheckEnum("settings.advice_sensitive_consent", input.advice_sensitive_consent(),
                          common::v1::SensitiveDataPurpose_IsValid, false);
    settings.sensitive.segment_consent = input.segment_sensitive_consent();
    settings.sensitive.advice_consent = input.advice_sensitive_consent();
    if (request->expected_version() < 0) {
      throw InvalidArgument("expected_version", "must be >= 0");
    }
    *response = ToProto(use_cases_.settings.Put(caller.tenant_id, std::move(settings),
                                                request->expected_version()));
  });
}

grpc::Status CampaignService::SyncMembers(grpc::ServerContext* context,
                                          const v1::SyncMembersRequest*,
                                          v1::SyncMembersResponse* response) {
  return runner_.Run(context, "SyncMembers", Role::kAdmin, [&](const Caller& caller) {
    *response = use_cases_.members.Sync(caller.tenant_id);
  });
}

}  // namespace clienttier::campaign
