# Script mode helper of ct_embed_migrations.
set(body "")
foreach(file ${FILES})
  get_filename_component(name ${file} NAME_WE)
  string(REGEX MATCH "^[0-9]+" version ${name})
  math(EXPR version "${version}")
  file(READ ${file} sql)
  string(APPEND body "      {${version}, \"${name}\", R\"ctsql(${sql})ctsql\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp
"// Generated from migrations/*.sql by cmake/EmbedMigrations.cmake. Do not edit.
#include \"common/db/migrations.h\"

namespace clienttier {

std::vector<Migration> ${FUNCTION}() {
  return {
${body}  };
}

}  // namespace clienttier
")
configure_file(${OUTPUT}.tmp ${OUTPUT} COPYONLY)
