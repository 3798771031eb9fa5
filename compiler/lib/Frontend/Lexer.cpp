//===- Lexer.cpp - .rnn spec lexer ----------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the lexer of the `.rnn` spec language. It works on the
// raw bytes of the main buffer of a SourceMgr and never reads past its end,
// whatever the input (embedded NULs, non-ASCII bytes, unterminated strings).
//
//===----------------------------------------------------------------------===//

#include "rnnc/Lexer.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace rnnc;

static bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
static bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

llvm::StringRef Token::getStringValue() const {
  if (kind == TokenKind::String && spelling.size() >= 2)
    return spelling.drop_front().drop_back();
  return spelling;
}

Lexer::Lexer(const llvm::SourceMgr &sourceMgr, mlir::MLIRContext *context)
    : sourceMgr(sourceMgr), context(context) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  bufferName = buffer->getBufferIdentifier();
  curPtr = buffer->getBufferStart();
  bufferEnd = buffer->getBufferEnd();
  // Editors on Windows start UTF-8 files with a byte order mark; it is not
  // part of the spec. As in Clang, columns on line 1 still count its bytes.
  if (buffer->getBuffer().starts_with("\xEF\xBB\xBF"))
    curPtr += 3;
}

mlir::Location Lexer::getLocation(llvm::SMLoc loc) const {
  auto [line, col] = sourceMgr.getLineAndColumn(loc);
  return mlir::FileLineColLoc::get(context, bufferName, line, col);
}

Token Lexer::formToken(TokenKind kind, const char *tokStart) {
  Token tok(kind, llvm::StringRef(tokStart, curPtr - tokStart));
  tok.atStartOfLine = sawNewline;
  sawNewline = false;
  return tok;
}

Token Lexer::formError(const char *tokStart, const llvm::Twine &message) {
  Token tok = formToken(TokenKind::Error, tokStart);
  tok.message = message.str();
  return tok;
}

Token Lexer::lex() {
  while (true) {
    if (curPtr == bufferEnd)
      return formToken(TokenKind::Eof, curPtr);

    const char *tokStart = curPtr;
    char c = *curPtr++;
    switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\f':
    case '\v':
      continue;
    case '\n':
      // Inside parentheses a newline is whitespace, so a layer may span
      // several lines.
      if (parenDepth > 0) {
        sawNewline = true;
        continue;
      }
      {
        Token tok = formToken(TokenKind::Newline, tokStart);
        sawNewline = true;
        return tok;
      }
    case '#':
      while (curPtr != bufferEnd && *curPtr != '\n')
        ++curPtr;
      continue;
    case '(':
      ++parenDepth;
      return formToken(TokenKind::LParen, tokStart);
    case ')':
      if (parenDepth > 0)
        --parenDepth;
      return formToken(TokenKind::RParen, tokStart);
    case ',':
      return formToken(TokenKind::Comma, tokStart);
    case '=':
      return formToken(TokenKind::Equal, tokStart);
    case '\'':
    case '"':
      return lexString(tokStart);
    default:
      break;
    }

    if (isIdentStart(c))
      return lexIdentifier(tokStart);
    // A number may start with a minus sign or a decimal point, so that
    // `hidden_size=-3` and `dropout=.5` get a diagnostic about their value
    // rather than about a stray character.
    if (llvm::isDigit(c) ||
        ((c == '-' || c == '.') && curPtr != bufferEnd &&
         llvm::isDigit(*curPtr)) ||
        (c == '-' && curPtr + 1 < bufferEnd && *curPtr == '.' &&
         llvm::isDigit(curPtr[1])))
      return lexNumber(tokStart);

    if (llvm::isPrint(c))
      return formError(tokStart,
                       "unexpected character '" + llvm::Twine(c) + "'");
    // Show a whole UTF-8 character (`é`, `→`) as one; anything else by its
    // byte value, so a diagnostic never holds invalid UTF-8.
    const auto *bytes = reinterpret_cast<const llvm::UTF8 *>(tokStart);
    const auto *end = reinterpret_cast<const llvm::UTF8 *>(bufferEnd);
    unsigned length = llvm::getNumBytesForUTF8(*bytes);
    if (length > 1 && llvm::isLegalUTF8Sequence(bytes, end)) {
      curPtr = tokStart + length;
      return formError(tokStart, "unexpected character '" +
                                     llvm::StringRef(tokStart, length) + "'");
    }
    std::string hex;
    llvm::raw_string_ostream os(hex);
    os << llvm::format_hex(static_cast<unsigned char>(c), 4);
    return formError(tokStart, "unexpected byte " + llvm::Twine(hex));
  }
}

Token Lexer::lexIdentifier(const char *tokStart) {
  while (curPtr != bufferEnd && isIdentChar(*curPtr))
    ++curPtr;
  return formToken(TokenKind::Identifier, tokStart);
}

Token Lexer::lexNumber(const char *tokStart) {
  // The first character (digit, '-' or '.') was consumed by lex().
  curPtr = tokStart;
  if (*curPtr == '-')
    ++curPtr;
  bool isFloat = false;
  auto skipDigits = [&] {
    while (curPtr != bufferEnd && llvm::isDigit(*curPtr))
      ++curPtr;
  };
  skipDigits();
  if (curPtr != bufferEnd && *curPtr == '.') {
    isFloat = true;
    ++curPtr;
    skipDigits();
  }
  if (curPtr != bufferEnd && (*curPtr == 'e' || *curPtr == 'E')) {
    const char *exp = curPtr + 1;
    if (exp != bufferEnd && (*exp == '+' || *exp == '-'))
      ++exp;
    if (exp != bufferEnd && llvm::isDigit(*exp)) {
      isFloat = true;
      curPtr = exp;
      skipDigits();
    }
  }

  // `1rnn`, `3x`, `1.2.3`: one malformed token, diagnosed by the parser in
  // context (it may be a would-be name).
  if (curPtr != bufferEnd && (isIdentChar(*curPtr) || *curPtr == '.')) {
    while (curPtr != bufferEnd && (isIdentChar(*curPtr) || *curPtr == '.'))
      ++curPtr;
    return formToken(TokenKind::BadNumber, tokStart);
  }
  if (isFloat)
    return formToken(TokenKind::Float, tokStart);

  llvm::StringRef spelling(tokStart, curPtr - tokStart);
  int64_t value = 0;
  // getAsInteger fails on overflow, in both directions.
  if (spelling.getAsInteger(10, value))
    return formError(tokStart, "integer '" + spelling +
                                   "' is out of range of a 64-bit integer");
  Token tok = formToken(TokenKind::Integer, tokStart);
  tok.intValue = value;
  return tok;
}

Token Lexer::lexString(const char *tokStart) {
  char quote = *tokStart;
  while (curPtr != bufferEnd && *curPtr != quote && *curPtr != '\n')
    ++curPtr;
  if (curPtr == bufferEnd || *curPtr != quote)
    return formError(tokStart, "unterminated string");
  ++curPtr;
  return formToken(TokenKind::String, tokStart);
}
