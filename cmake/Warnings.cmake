# Warnings apply to our own targets only; generated and third-party headers are SYSTEM.
function(ct_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wnull-dereference
    -Wimplicit-fallthrough)
  if(CT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
