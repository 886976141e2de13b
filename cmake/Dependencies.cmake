# Every third-party library is found here once and exposed as an imported target,
# so targets link exactly what they use.

find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(PkgConfig REQUIRED)

# Debian's gRPC CMake package loads on bookworm, but its files have broken on other
# releases; fall back to pkg-config so the build does not depend on them.
find_package(gRPC CONFIG QUIET)
if(gRPC_FOUND)
  set(CT_GRPCPP gRPC::grpc++)
  set(CT_GRPCPP_REFLECTION gRPC::grpc++_reflection)
  set(CT_GRPC_CPP_PLUGIN $<TARGET_FILE:gRPC::grpc_cpp_plugin>)
else()
  pkg_check_modules(GRPCPP REQUIRED IMPORTED_TARGET grpc++)
  set(CT_GRPCPP PkgConfig::GRPCPP)
  find_library(GRPCPP_REFLECTION_LIB grpc++_reflection REQUIRED)
  set(CT_GRPCPP_REFLECTION ${GRPCPP_REFLECTION_LIB})
  find_program(CT_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
endif()

pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(nlohmann_json 3 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)

# Connector/C++ 1.1 (libmysqlcppconn-dev) ships neither CMake config nor pkg-config.
find_path(MYSQLCPPCONN_INCLUDE_DIR cppconn/driver.h REQUIRED)
find_library(MYSQLCPPCONN_LIBRARY mysqlcppconn REQUIRED)
add_library(ct_mysqlcppconn INTERFACE)
target_include_directories(ct_mysqlcppconn SYSTEM INTERFACE ${MYSQLCPPCONN_INCLUDE_DIR})
target_link_libraries(ct_mysqlcppconn INTERFACE ${MYSQLCPPCONN_LIBRARY})
