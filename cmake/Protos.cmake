# ct_proto_library(NAME <target> PROTOS <files relative to protos/> [GRPC] [DEPS <targets>])
# Generates C++ (and gRPC stubs when GRPC is given) into the build tree and wraps them in a
# static library whose headers are SYSTEM includes, so our warnings do not fire on them.
function(ct_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  set(proto_root ${PROJECT_SOURCE_DIR}/protos)
  set(out_dir ${PROJECT_BINARY_DIR}/generated)
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    get_filename_component(stem ${proto} NAME_WE)
    get_filename_component(rel_dir ${proto} DIRECTORY)
    set(base ${out_dir}/${rel_dir}/${stem})
    set(outputs ${base}.pb.cc ${base}.pb.h)
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outputs ${base}.grpc.pb.cc ${base}.grpc.pb.h)
      set(plugin_args --grpc_out=${out_dir} --plugin=protoc-gen-grpc=${CT_GRPC_CPP_PLUGIN})
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
      COMMAND protobuf::protoc --proto_path=${proto_root} --cpp_out=${out_dir} ${plugin_args}
              ${proto_root}/${proto}
      DEPENDS ${proto_root}/${proto} protobuf::protoc
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(FILTER outputs INCLUDE REGEX "\\.cc$")
    list(APPEND srcs ${outputs})
  endforeach()
  add_library(${ARG_NAME} STATIC ${srcs})
  target_include_directories(${ARG_NAME} SYSTEM PUBLIC ${out_dir})
  target_link_libraries(${ARG_NAME} PUBLIC protobuf::libprotobuf ${ARG_DEPS})
  if(ARG_GRPC)
    target_link_libraries(${ARG_NAME} PUBLIC ${CT_GRPCPP})
  endif()
endfunction()
