# Writes RuleDocs.inc: every rule's docs/rules/<id>.md as a C++ raw string,
# so that --explain and SARIF help print the doc page itself (no second copy
# in C++). Run at build time by matchers/CMakeLists.txt:
#   cmake -DIDS=<id,id...> -DDOCS=<docs/rules> -DOUT=<file> -P EmbedRuleDocs.cmake
string(REPLACE "," ";" IDS "${IDS}")
set(Text "// Generated from docs/rules/*.md by EmbedRuleDocs.cmake; do not edit.\n")
string(APPEND Text "const struct {\n  const char *Id;\n  const char *Markdown;\n} RuleDocs[] = {\n")
foreach(Id IN LISTS IDS)
  set(Page "${DOCS}/${Id}.md")
  if(NOT EXISTS "${Page}")
    message(FATAL_ERROR "${Page}: missing; every rule in matchers/Rules.def needs its doc page")
  endif()
  file(READ "${Page}" Markdown)
  string(FIND "${Markdown}" ")fgdoc\"" Clash)
  if(NOT Clash EQUAL -1)
    message(FATAL_ERROR "${Page}: contains ')fgdoc\"', the raw string's end")
  endif()
  string(APPEND Text "    {\"${Id}\", R\"fgdoc(${Markdown})fgdoc\"},\n")
endforeach()
string(APPEND Text "};\n")
# Rewritten only when it changes: an unchanged page recompiles nothing.
file(WRITE "${OUT}.tmp" "${Text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
