//===- Lexer.h - .rnn spec lexer --------------------------------*- C++ -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file declares the lexer of the `.rnn` spec language: identifiers,
// integers, floats (only so that a float where an integer belongs gets a
// clear error), quoted strings, punctuation, newlines and end of file. `#`
// comments and newlines inside parentheses are skipped. The lexer never
// emits diagnostics itself: a malformed token comes back as an Error token
// carrying its message, and the parser reports it if it gets that far.
//
//===----------------------------------------------------------------------===//

#ifndef RNNC_LEXER_H
#define RNNC_LEXER_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

#include <cstdint>
#include <string>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace rnnc {

/// The kinds of token of the `.rnn` language.
enum class TokenKind {
  /// End of the buffer.
  Eof,
  /// A malformed token; Token::getErrorMessage() says why.
  Error,
  /// A newline outside parentheses: the end of a statement.
  Newline,
  /// `[A-Za-z_][A-Za-z0-9_]*`.
  Identifier,
  /// `-?[0-9]+` that fits in int64_t.
  Integer,
  /// A number with a fractional part or an exponent, e.g. `3.5`, `1e-3`.
  Float,
  /// A number immediately followed by identifier characters, e.g. `1rnn`.
  BadNumber,
  /// `'...'` or `"..."` on one line, without escapes.
  String,
  /// `(`.
  LParen,
  /// `)`.
  RParen,
  /// `,`.
  Comma,
  /// `=`.
  Equal,
};

/// One token: its kind and the characters it spans in the source buffer.
class Token {
public:
  /// Creates a token of `kind` spanning `spelling`.
  Token(TokenKind kind, llvm::StringRef spelling)
      : kind(kind), spelling(spelling) {}

  /// Returns the kind of the token.
  TokenKind getKind() const { return kind; }
  /// Returns true if the token is of kind `k`.
  bool is(TokenKind k) const { return kind == k; }
  /// Returns true if the token is not of kind `k`.
  bool isNot(TokenKind k) const { return kind != k; }

  /// Returns the characters of the token as written, quotes included.
  llvm::StringRef getSpelling() const { return spelling; }
  /// Returns the location of the first character of the token.
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data());
  }
  /// Returns the location just past the last character of the token.
  llvm::SMLoc getEndLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data() + spelling.size());
  }

  /// Returns the value of an Integer token.
  int64_t getIntValue() const { return intValue; }
  /// Returns the contents of a String token, without the quotes; the
  /// spelling of any other token.
  llvm::StringRef getStringValue() const;
  /// Returns the message of an Error token.
  llvm::StringRef getErrorMessage() const { return message; }

  /// Returns true if a newline (skipped inside parentheses) separates this
  /// token from the previous one.
  bool isAtStartOfLine() const { return atStartOfLine; }

private:
  friend class Lexer;

  /// What the token is.
  TokenKind kind;
  /// The characters of the token in the buffer.
  llvm::StringRef spelling;
  /// The value of an Integer token.
  int64_t intValue = 0;
  /// Whether a newline precedes the token.
  bool atStartOfLine = false;
  /// What is wrong with an Error token.
  std::string message;
};

/// Splits the main buffer of a SourceMgr into tokens.
class Lexer {
public:
  /// Creates a lexer over the main buffer of `sourceMgr`; `context` makes
  /// the locations returned by getLocation().
  Lexer(const llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context);

  /// Lexes and returns the next token. After Eof, keeps returning Eof.
  Token lex();

  /// Returns a FileLineColLoc for `loc`, which must point into the buffer,
  /// named after the buffer identifier.
  mlir::Location getLocation(llvm::SMLoc loc) const;

  /// Returns the buffer identifier, used as the file name in locations.
  llvm::StringRef getBufferName() const { return bufferName; }

private:
  /// Returns a token of `kind` spanning from tokStart to curPtr.
  Token formToken(TokenKind kind, const char *tokStart);
  /// Returns an Error token spanning from tokStart to curPtr.
  Token formError(const char *tokStart, const llvm::Twine &message);
  /// Lexes an identifier starting at tokStart.
  Token lexIdentifier(const char *tokStart);
  /// Lexes an Integer, Float or BadNumber starting at tokStart.
  Token lexNumber(const char *tokStart);
  /// Lexes a quoted string starting at tokStart, its opening quote.
  Token lexString(const char *tokStart);

  /// The source manager holding the buffer, for line and column numbers.
  const llvm::SourceMgr &sourceMgr;
  /// The context that owns the locations.
  mlir::MLIRContext *context;
  /// The buffer identifier.
  llvm::StringRef bufferName;
  /// The next character to lex.
  const char *curPtr;
  /// One past the last character of the buffer.
  const char *bufferEnd;
  /// Nesting depth of parentheses; newlines are whitespace while it is > 0.
  unsigned parenDepth = 0;
  /// Whether a newline was skipped since the last token.
  bool sawNewline = true;
};

} // namespace rnnc

#endif // RNNC_LEXER_H
