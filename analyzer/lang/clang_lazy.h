/* clang_lazy: libclang is loaded with dlopen the first time a C file is lowered, not at
 * program start. Linking it costs every run ~85 ms of relocations and LLVM's static
 * constructors (most runs lint no C at all: pre-commit, the LSP on Python/JS) and
 * ~50 MB of RSS. c.c calls clang_* as usual; the names below resolve to the loaded table. */
#ifndef AL_CLANG_LAZY_H
#define AL_CLANG_LAZY_H

#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>
#include <stdbool.h>

#define AL_CLANG_FUNCTIONS(X) \
  X(clang_CompilationDatabase_fromDirectory) \
  X(clang_CompilationDatabase_getCompileCommands) \
  X(clang_CompileCommand_getArg) \
  X(clang_CompileCommand_getDirectory) \
  X(clang_CompileCommand_getNumArgs) \
  X(clang_CompileCommands_dispose) \
  X(clang_CompileCommands_getCommand) \
  X(clang_CompileCommands_getSize) \
  X(clang_EvalResult_dispose) \
  X(clang_EvalResult_getAsLongLong) \
  X(clang_EvalResult_getKind) \
  X(clang_Cursor_Evaluate) \
  X(clang_Cursor_getArgument) \
  X(clang_Cursor_getNumArguments) \
  X(clang_Cursor_isNull) \
  X(clang_Type_visitFields) \
  X(clang_Location_isFromMainFile) \
  X(clang_createIndex) \
  X(clang_disposeDiagnostic) \
  X(clang_disposeIndex) \
  X(clang_disposeString) \
  X(clang_disposeTokens) \
  X(clang_disposeTranslationUnit) \
  X(clang_equalCursors) \
  X(clang_getCString) \
  X(clang_getCanonicalType) \
  X(clang_getCursorExtent) \
  X(clang_getCursorKind) \
  X(clang_getCursorLinkage) \
  X(clang_getCursorLocation) \
  X(clang_getCursorReferenced) \
  X(clang_getCursorResultType) \
  X(clang_getCursorSemanticParent) \
  X(clang_getCursorSpelling) \
  X(clang_getCursorUSR) \
  X(clang_getCursorType) \
  X(clang_getDiagnostic) \
  X(clang_getDiagnosticSeverity) \
  X(clang_getExpansionLocation) \
  X(clang_getNullCursor) \
  X(clang_getNumDiagnostics) \
  X(clang_getRangeEnd) \
  X(clang_getRangeStart) \
  X(clang_getSpellingLocation) \
  X(clang_getTokenKind) \
  X(clang_getTokenLocation) \
  X(clang_getTokenSpelling) \
  X(clang_getTranslationUnitCursor) \
  X(clang_getTypeDeclaration) \
  X(clang_getTypeSpelling) \
  X(clang_isCursorDefinition) \
  X(clang_parseTranslationUnit2) \
  X(clang_tokenize) \
  X(clang_visitChildren)

typedef struct al_clang_api {
#define AL_CLANG_MEMBER(name) __typeof__(&name) name;
  AL_CLANG_FUNCTIONS(AL_CLANG_MEMBER)
#undef AL_CLANG_MEMBER
} al_clang_api;

extern al_clang_api al_clang;

/* Loads libclang once (thread-safe). False, with *why a static reason, when it cannot. */
bool al_clang_load(const char **why);

#ifndef AL_CLANG_LAZY_IMPL
#define clang_CompilationDatabase_fromDirectory (al_clang.clang_CompilationDatabase_fromDirectory)
#define clang_CompilationDatabase_getCompileCommands (al_clang.clang_CompilationDatabase_getCompileCommands)
#define clang_CompileCommand_getArg (al_clang.clang_CompileCommand_getArg)
#define clang_CompileCommand_getDirectory (al_clang.clang_CompileCommand_getDirectory)
#define clang_CompileCommand_getNumArgs (al_clang.clang_CompileCommand_getNumArgs)
#define clang_CompileCommands_dispose (al_clang.clang_CompileCommands_dispose)
#define clang_CompileCommands_getCommand (al_clang.clang_CompileCommands_getCommand)
#define clang_CompileCommands_getSize (al_clang.clang_CompileCommands_getSize)
#define clang_EvalResult_dispose (al_clang.clang_EvalResult_dispose)
#define clang_EvalResult_getAsLongLong (al_clang.clang_EvalResult_getAsLongLong)
#define clang_EvalResult_getKind (al_clang.clang_EvalResult_getKind)
#define clang_Cursor_Evaluate (al_clang.clang_Cursor_Evaluate)
#define clang_Cursor_getArgument (al_clang.clang_Cursor_getArgument)
#define clang_Cursor_getNumArguments (al_clang.clang_Cursor_getNumArguments)
#define clang_Cursor_isNull (al_clang.clang_Cursor_isNull)
#define clang_Type_visitFields (al_clang.clang_Type_visitFields)
#define clang_Location_isFromMainFile (al_clang.clang_Location_isFromMainFile)
#define clang_createIndex (al_clang.clang_createIndex)
#define clang_disposeDiagnostic (al_clang.clang_disposeDiagnostic)
#define clang_disposeIndex (al_clang.clang_disposeIndex)
#define clang_disposeString (al_clang.clang_disposeString)
#define clang_disposeTokens (al_clang.clang_disposeTokens)
#define clang_disposeTranslationUnit (al_clang.clang_disposeTranslationUnit)
#define clang_equalCursors (al_clang.clang_equalCursors)
#define clang_getCString (al_clang.clang_getCString)
#define clang_getCanonicalType (al_clang.clang_getCanonicalType)
#define clang_getCursorExtent (al_clang.clang_getCursorExtent)
#define clang_getCursorKind (al_clang.clang_getCursorKind)
#define clang_getCursorLinkage (al_clang.clang_getCursorLinkage)
#define clang_getCursorLocation (al_clang.clang_getCursorLocation)
#define clang_getCursorReferenced (al_clang.clang_getCursorReferenced)
#define clang_getCursorResultType (al_clang.clang_getCursorResultType)
#define clang_getCursorSemanticParent (al_clang.clang_getCursorSemanticParent)
#define clang_getCursorSpelling (al_clang.clang_getCursorSpelling)
#define clang_getCursorUSR (al_clang.clang_getCursorUSR)
#define clang_getCursorType (al_clang.clang_getCursorType)
#define clang_getDiagnostic (al_clang.clang_getDiagnostic)
#define clang_getDiagnosticSeverity (al_clang.clang_getDiagnosticSeverity)
#define clang_getExpansionLocation (al_clang.clang_getExpansionLocation)
#define clang_getSpellingLocation (al_clang.clang_getSpellingLocation)
#define clang_getNullCursor (al_clang.clang_getNullCursor)
#define clang_getNumDiagnostics (al_clang.clang_getNumDiagnostics)
#define clang_getRangeEnd (al_clang.clang_getRangeEnd)
#define clang_getRangeStart (al_clang.clang_getRangeStart)
#define clang_getTokenKind (al_clang.clang_getTokenKind)
#define clang_getTokenLocation (al_clang.clang_getTokenLocation)
#define clang_getTokenSpelling (al_clang.clang_getTokenSpelling)
#define clang_getTranslationUnitCursor (al_clang.clang_getTranslationUnitCursor)
#define clang_getTypeDeclaration (al_clang.clang_getTypeDeclaration)
#define clang_getTypeSpelling (al_clang.clang_getTypeSpelling)
#define clang_isCursorDefinition (al_clang.clang_isCursorDefinition)
#define clang_parseTranslationUnit2 (al_clang.clang_parseTranslationUnit2)
#define clang_tokenize (al_clang.clang_tokenize)
#define clang_visitChildren (al_clang.clang_visitChildren)
#endif

#endif
