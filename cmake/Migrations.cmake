# ct_embed_migrations(<target> <component> <dir> <function>)
# Compiles every <dir>/NNN_*.sql into a source file defining
#   std::vector<clienttier::Migration> <function>();
# so a binary (or its migration Job) carries its schema and needs no files at run time.
function(ct_embed_migrations target component dir function_name)
  file(GLOB sql_files CONFIGURE_DEPENDS ${dir}/[0-9][0-9][0-9]_*.sql)
  list(SORT sql_files)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${function_name}.cc)
  add_custom_command(
    OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${output} -DCOMPONENT=${component}
            -DFUNCTION=${function_name} "-DFILES=${sql_files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    DEPENDS ${sql_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedMigrations.cmake
    COMMENT "embedding ${component} migrations"
    VERBATIM)
  target_sources(${target} PRIVATE ${output})
endfunction()
