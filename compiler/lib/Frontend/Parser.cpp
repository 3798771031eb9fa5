//===- Parser.cpp - .rnn spec parser --------------------------------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file implements the `.rnn` parser and its semantic checks. Each
// statement is parsed and checked as soon as it ends, and the checks that
// involve several statements (the data flow input -> Embedding -> RNN ->
// Linear) run at the end of the file. The first error stops everything, so
// a user sees one diagnostic per mistake and never a cascade.
//
//===----------------------------------------------------------------------===//

#include "rnnc/Parser.h"
#include "rnnc/Lexer.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <limits>

using namespace rnnc;
using llvm::ArrayRef;
using llvm::SmallVector;
using llvm::SmallVectorImpl;
using llvm::SMLoc;
using llvm::StringRef;
using llvm::Twine;
using mlir::failed;
using mlir::failure;
using mlir::LogicalResult;
using mlir::succeeded;
using mlir::success;

/// The largest size (feature count, vocabulary, layer count, sequence
/// length) a spec may give. Keeping every size below 2^31 means products of
/// two sizes cannot overflow int64_t anywhere in the compiler.
static constexpr int64_t kMaxSize = std::numeric_limits<int32_t>::max();

/// The largest total number of parameters of a model (2^40 floats, 4 TiB).
static constexpr uint64_t kMaxParams = uint64_t(1) << 40;

/// The most layers an RNN may stack. rnn-outline-layers lets the layers
/// after the first share one function, but the entry points still call
/// each layer with its own views, and LLVM's register allocator spends
/// superlinear time on such long straight-line functions: 256 bidirectional
/// layers with a loss compile in about 9 s and 300 MiB, 1024 took 83 s
/// (docs/compile-time.md). Deeper Elman RNNs do not train anyway.
static constexpr int64_t kMaxLayers = 256;

/// The layer classes, in the order diagnostics list them.
static constexpr StringRef kLayerClasses[] = {"Embedding", "RNN", "Linear",
                                              "MSELoss", "CrossEntropyLoss"};

/// Returns true if `name` matches `[A-Za-z_][A-Za-z0-9_]*`.
static bool isIdentifier(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name.front()) || name.front() == '_'))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// Returns the closest of `candidates` to `name` (case-insensitively), or an
/// empty string if none is close enough to be a plausible typo.
static StringRef findClosest(StringRef name, ArrayRef<StringRef> candidates) {
  unsigned maxDist = std::max<unsigned>(1, name.size() / 3);
  StringRef best;
  unsigned bestDist = maxDist + 1;
  for (StringRef candidate : candidates) {
    unsigned dist = name.edit_distance_insensitive(
        candidate, /*AllowReplacements=*/true, maxDist);
    if (dist < bestDist) {
      best = candidate;
      bestDist = dist;
    }
  }
  return best;
}

/// Returns the default model name for a buffer named `bufferName`: the stem
/// of the path with every character outside `[A-Za-z0-9_]` replaced by `_`,
/// and a leading digit prefixed with `_`.
static std::string defaultModelName(StringRef bufferName) {
  // A chunk of `-split-input-file` is named "within split at FILE:N offset ".
  if (bufferName.consume_front("within split at ")) {
    size_t colon = bufferName.rfind(':');
    if (colon != StringRef::npos)
      bufferName = bufferName.take_front(colon);
  }
  // Names such as `<stdin>` are not paths.
  if (bufferName.empty() || bufferName.starts_with("<"))
    return "model";
  StringRef stem = llvm::sys::path::stem(bufferName);
  if (stem.empty())
    return "model";
  std::string name;
  if (llvm::isDigit(stem.front()))
    name += '_';
  for (char c : stem)
    name += (llvm::isAlnum(c) || c == '_') ? c : '_';
  return name;
}

/// Returns the contents of a string token as a diagnostic quotes them: UTF-8
/// characters as they are, control characters and bytes that are not UTF-8
/// as `\xNN`. A string may hold any byte but a quote and a newline, and a
/// diagnostic must be valid UTF-8 that cannot drive a terminal (the lexer
/// shows a stray byte by value for the same reason).
static std::string quotable(StringRef text) {
  std::string out;
  const auto *p = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  while (p != end) {
    unsigned length = llvm::getNumBytesForUTF8(*p);
    if (*p >= 0x80 && length > 1 && llvm::isLegalUTF8Sequence(p, end)) {
      out.append(reinterpret_cast<const char *>(p), length);
      p += length;
      continue;
    }
    if (*p >= 0x20 && *p < 0x7f)
      out += static_cast<char>(*p);
    else
      out += "\\x" + llvm::utohexstr(*p, /*LowerCase=*/true, /*Width=*/2);
    ++p;
  }
  return out;
}

namespace {

//===----------------------------------------------------------------------===//
// Arguments
//===----------------------------------------------------------------------===//

/// One `name=value` argument of a statement.
struct Arg {
  Token name;
  Token value;

  /// Returns the value as it should appear after "got" in a diagnostic:
  /// numbers as written, words and strings in single quotes.
  std::string describeValue() const {
    switch (value.getKind()) {
    case TokenKind::Integer:
    case TokenKind::Float:
    case TokenKind::BadNumber:
      return value.getSpelling().str();
    default:
      return "'" + quotable(value.getStringValue()) + "'";
    }
  }

  /// Returns the value as a word, for a bare identifier or a string.
  std::optional<StringRef> getWord() const {
    if (value.is(TokenKind::Identifier) || value.is(TokenKind::String))
      return value.getStringValue();
    return std::nullopt;
  }
};

/// The options a statement accepts.
struct OptionSchema {
  /// What the diagnostics call the statement: `RNN`, `input`, ...
  StringRef owner;
  /// Options rnnc implements.
  ArrayRef<StringRef> known;
  /// Options PyTorch accepts that rnnc does not implement yet.
  ArrayRef<StringRef> unsupported;
};

static constexpr StringRef kInputOptions[] = {"seq_len", "dtype"};
static constexpr StringRef kEmbeddingOptions[] = {"num_embeddings",
                                                  "embedding_dim"};
static constexpr StringRef kEmbeddingUnsupported[] = {
    "padding_idx", "max_norm", "norm_type", "scale_grad_by_freq",
    "sparse",      "_weight",  "_freeze",   "device",
    "dtype"};
static constexpr StringRef kRnnOptions[] = {
    "input_size", "hidden_size", "num_layers",    "nonlinearity",
    "bias",       "batch_first", "bidirectional", "dropout"};
static constexpr StringRef kRnnUnsupported[] = {"device", "dtype", "proj_size"};
static constexpr StringRef kLinearOptions[] = {"in_features", "out_features",
                                               "bias", "on"};
static constexpr StringRef kLinearUnsupported[] = {"device", "dtype"};
static constexpr StringRef kMSELossOptions[] = {"reduction"};
static constexpr StringRef kMSELossUnsupported[] = {"size_average", "reduce"};
static constexpr StringRef kCrossEntropyOptions[] = {"ignore_index",
                                                     "reduction"};
static constexpr StringRef kCrossEntropyUnsupported[] = {
    "weight", "size_average", "reduce", "label_smoothing"};

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

/// Parses and checks one spec into a ModelSpec.
class Parser {
public:
  /// Creates a parser of the main buffer of `sourceMgr`.
  Parser(llvm::SourceMgr &sourceMgr, mlir::MLIRContext &context)
      : lexer(sourceMgr, &context), tok(lexer.lex()),
        bufferStart(sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
                        ->getBufferStart()) {}

  /// Parses the whole buffer; returns std::nullopt after an error.
  std::optional<ModelSpec> parse();

private:
  //===--------------------------------------------------------------------===//
  // Tokens and diagnostics
  //===--------------------------------------------------------------------===//

  /// Moves to the next token.
  void consume() {
    prevEnd = tok.getEndLoc();
    tok = lexer.lex();
  }

  /// Returns the FileLineColLoc of `loc`.
  mlir::Location getLoc(SMLoc loc) const { return lexer.getLocation(loc); }

  /// Emits an error at `loc`.
  mlir::InFlightDiagnostic emitError(SMLoc loc, const Twine &message) {
    return mlir::emitError(getLoc(loc), message);
  }

  /// Emits a syntax error about the current token: the lexer's message if
  /// the token is malformed, else `message`. When a newline separates the
  /// token from the previous one, the error points just past the previous
  /// token, where the missing piece belongs.
  LogicalResult emitSyntaxError(const Twine &message) {
    if (tok.is(TokenKind::Error)) {
      emitError(tok.getLoc(), tok.getErrorMessage());
      return failure();
    }
    SMLoc loc = tok.getLoc();
    if ((tok.isAtStartOfLine() || tok.is(TokenKind::Newline) ||
         tok.is(TokenKind::Eof)) &&
        prevEnd.isValid())
      loc = prevEnd;
    emitError(loc, message);
    return failure();
  }

  //===--------------------------------------------------------------------===//
  // Syntax
  //===--------------------------------------------------------------------===//

  /// Parses one statement, or an empty line. Each statement is checked as
  /// soon as it is parsed.
  LogicalResult parseStatement();
  /// Parses the rest of `model NAME`; `loc` is the start of the statement.
  LogicalResult parseModelDecl(SMLoc loc);
  /// Parses the argument list of `input(...)` and checks it.
  LogicalResult parseInputDecl(SMLoc loc);
  /// Parses `CLASS(...)` after `name =`.
  LogicalResult parseNamedLayerDecl(SMLoc loc, Token name);
  /// Parses the argument list of a layer whose class token `cls` has been
  /// consumed, then checks the layer.
  LogicalResult parseLayerDecl(SMLoc loc, std::optional<Token> name,
                               const Token &cls);
  /// Parses `( [name=value {, name=value} [,]] )` into `args`.
  LogicalResult parseArgList(SmallVectorImpl<Arg> &args);
  /// Consumes the newline (or sees the end of file) ending a statement.
  LogicalResult parseEndOfStatement();

  //===--------------------------------------------------------------------===//
  // Semantic checks
  //===--------------------------------------------------------------------===//

  /// Rejects unknown, unsupported and repeated options.
  LogicalResult checkOptions(const OptionSchema &schema, ArrayRef<Arg> args);
  /// Resolves the name of a layer of `className` (explicit or default) into
  /// `out`, and rejects a second layer of the class or a name in use.
  LogicalResult checkLayerName(StringRef className, SMLoc loc,
                               std::optional<Token> name, std::string &out);
  /// Reads a size: an integer in [1, kMaxSize].
  LogicalResult getSize(const Arg &arg, int64_t &out);
  /// Reads a boolean: `True`, `False`, `true` or `false`, bare or quoted.
  LogicalResult getBool(const Arg &arg, bool &out);
  /// Reads one of `choices`, bare or quoted, as its index.
  LogicalResult getChoice(const Arg &arg, ArrayRef<StringRef> choices,
                          unsigned &out);

  /// Checks `input(...)` and fills spec.input.
  LogicalResult checkInput(SMLoc loc, ArrayRef<Arg> args);
  /// Checks `Embedding(...)` and fills spec.embedding.
  LogicalResult checkEmbedding(SMLoc loc, std::string name, ArrayRef<Arg> args);
  /// Checks `RNN(...)` and fills spec.rnn, except inputSize when it comes
  /// from an Embedding.
  LogicalResult checkRnn(SMLoc loc, std::string name, ArrayRef<Arg> args);
  /// Checks `Linear(...)` and fills spec.head, except inFeatures.
  LogicalResult checkLinear(SMLoc loc, std::string name, ArrayRef<Arg> args);
  /// Checks `MSELoss(...)` or `CrossEntropyLoss(...)` and fills spec.loss.
  LogicalResult checkLoss(SMLoc loc, std::string name, LossKind kind,
                          ArrayRef<Arg> args);
  /// Runs the checks that involve several statements and resolves the
  /// sizes and locations that depend on them.
  LogicalResult checkModel();
  /// Rejects a model with more than kMaxParams parameters.
  LogicalResult checkParameterCount();

  /// The token source.
  Lexer lexer;
  /// The current token.
  Token tok;
  /// The end of the previous token; invalid before the first one.
  SMLoc prevEnd;
  /// The start of the buffer, where file-wide errors point at worst.
  const char *bufferStart;

  /// The model being built.
  ModelSpec spec;
  /// The name given by `model`, if any.
  std::optional<std::string> modelName;
  /// Where each statement is, once seen.
  std::optional<SMLoc> modelLoc, inputLoc, embeddingLoc, rnnLoc, headLoc,
      lossLoc, firstStatementLoc;
  /// Whether an RNN statement was seen.
  bool hasRnn = false;
  /// Layer names in use, and where.
  llvm::StringMap<SMLoc> layerNames;
  /// Explicit options the end-of-file checks compare, and where their
  /// values are.
  std::optional<SMLoc> dtypeValueLoc, inputSizeValueLoc, inFeaturesValueLoc;
};

} // namespace

std::optional<ModelSpec> Parser::parse() {
  while (tok.isNot(TokenKind::Eof))
    if (failed(parseStatement()))
      return std::nullopt;
  if (failed(checkModel()))
    return std::nullopt;
  return std::move(spec);
}

/// statement ::= ( model-decl | input-decl | layer-decl ) NEWLINE | NEWLINE
LogicalResult Parser::parseStatement() {
  if (tok.is(TokenKind::Newline)) {
    consume();
    return success();
  }
  SMLoc loc = tok.getLoc();
  if (!firstStatementLoc)
    firstStatementLoc = loc;

  if (tok.is(TokenKind::Identifier)) {
    Token first = tok;
    consume();
    if (tok.is(TokenKind::Error))
      return emitSyntaxError("");
    if (tok.is(TokenKind::Equal)) {
      consume();
      return parseNamedLayerDecl(loc, first);
    }
    if (first.getSpelling() == "model")
      return parseModelDecl(loc);
    if (first.getSpelling() == "input") {
      if (tok.isNot(TokenKind::LParen))
        return emitSyntaxError("expected '(' after 'input'");
      return parseInputDecl(loc);
    }
    if (tok.is(TokenKind::LParen) ||
        llvm::is_contained(kLayerClasses, first.getSpelling()))
      return parseLayerDecl(loc, std::nullopt, first);
    if (tok.is(TokenKind::Identifier))
      return emitSyntaxError("expected '=' after layer name '" +
                             first.getSpelling() + "'");
    emitError(loc, "unknown statement '" + first.getSpelling() +
                       "'; expected 'model', 'input' or a layer");
    return failure();
  }

  // A would-be layer name that is not an identifier: `'my rnn' = RNN(...)`,
  // `1rnn = RNN(...)`.
  if (tok.is(TokenKind::String) || tok.is(TokenKind::Integer) ||
      tok.is(TokenKind::Float) || tok.is(TokenKind::BadNumber)) {
    Token first = tok;
    consume();
    if (tok.is(TokenKind::Error))
      return emitSyntaxError("");
    if (tok.is(TokenKind::Equal)) {
      consume();
      return parseNamedLayerDecl(loc, first);
    }
    emitError(loc, "expected a statement: 'model', 'input' or a layer");
    return failure();
  }
  return emitSyntaxError("expected a statement: 'model', 'input' or a layer");
}

/// model-decl ::= 'model' IDENT
LogicalResult Parser::parseModelDecl(SMLoc loc) {
  if (modelLoc) {
    emitError(loc, "duplicate 'model' statement").attachNote(getLoc(*modelLoc))
        << "previous 'model' statement is here";
    return failure();
  }
  switch (tok.getKind()) {
  case TokenKind::Identifier:
  case TokenKind::String:
  case TokenKind::Integer:
  case TokenKind::Float:
  case TokenKind::BadNumber:
    break;
  default:
    return emitSyntaxError("expected a model name after 'model'");
  }
  StringRef name = tok.getStringValue();
  if (!isIdentifier(name)) {
    emitError(tok.getLoc(), "model name '" + quotable(name) +
                                "' is not a valid C identifier");
    return failure();
  }
  modelLoc = loc;
  modelName = name.str();
  consume();
  return parseEndOfStatement();
}

/// input-decl ::= 'input' '(' [ args ] ')'
LogicalResult Parser::parseInputDecl(SMLoc loc) {
  SmallVector<Arg> args;
  if (failed(parseArgList(args)) || failed(parseEndOfStatement()))
    return failure();
  return checkInput(loc, args);
}

/// layer-decl ::= IDENT '=' CLASS '(' [ args ] ')'
///
/// On entry the current token is the class.
LogicalResult Parser::parseNamedLayerDecl(SMLoc loc, Token name) {
  if (tok.isNot(TokenKind::Identifier))
    return emitSyntaxError("expected a layer class after '='");
  Token cls = tok;
  consume();
  return parseLayerDecl(loc, name, cls);
}

/// layer-decl ::= [ IDENT '=' ] CLASS '(' [ args ] ')'
///
/// On entry `cls` has been consumed.
LogicalResult Parser::parseLayerDecl(SMLoc loc, std::optional<Token> name,
                                     const Token &cls) {
  StringRef className = cls.getSpelling();
  if (!llvm::is_contained(kLayerClasses, className)) {
    StringRef suggestion = findClosest(className, kLayerClasses);
    if (!suggestion.empty()) {
      emitError(cls.getLoc(), "unknown layer class '" + className +
                                  "'; did you mean '" + suggestion + "'?");
      return failure();
    }
    auto diag = emitError(cls.getLoc(),
                          "unknown layer class '" + className +
                              "'; expected one of Embedding, RNN, Linear, "
                              "MSELoss, CrossEntropyLoss");
    if (className.equals_insensitive("LSTM") ||
        className.equals_insensitive("GRU"))
      diag.attachNote() << "LSTM and GRU are not supported yet";
    return failure();
  }
  if (tok.isNot(TokenKind::LParen))
    return emitSyntaxError("expected '(' after '" + className + "'");
  SmallVector<Arg> args;
  if (failed(parseArgList(args)) || failed(parseEndOfStatement()))
    return failure();

  std::string layerName;
  if (failed(checkLayerName(className, loc, name, layerName)))
    return failure();
  if (className == "Embedding")
    return checkEmbedding(loc, std::move(layerName), args);
  if (className == "RNN")
    return checkRnn(loc, std::move(layerName), args);
  if (className == "Linear")
    return checkLinear(loc, std::move(layerName), args);
  return checkLoss(
      loc, std::move(layerName),
      className == "MSELoss" ? LossKind::MSE : LossKind::CrossEntropy, args);
}

/// '(' [ arg { ',' arg } [ ',' ] ] ')', with arg ::= IDENT '=' value.
///
/// On entry the current token is '('.
LogicalResult Parser::parseArgList(SmallVectorImpl<Arg> &args) {
  consume();
  while (true) {
    if (tok.is(TokenKind::RParen)) {
      consume();
      return success();
    }
    if (tok.is(TokenKind::Integer) || tok.is(TokenKind::Float) ||
        tok.is(TokenKind::String) || tok.is(TokenKind::BadNumber))
      return emitSyntaxError(
          "positional arguments are not supported; write 'name=value'");
    if (tok.isNot(TokenKind::Identifier))
      return emitSyntaxError(tok.is(TokenKind::Eof)
                                 ? "expected ')'"
                                 : "expected an option name or ')'");
    Token name = tok;
    consume();
    if (tok.isNot(TokenKind::Equal)) {
      if (tok.is(TokenKind::Comma) || tok.is(TokenKind::RParen))
        return emitSyntaxError(
            "positional arguments are not supported; write 'name=value'");
      return emitSyntaxError("expected '=' after option name '" +
                             name.getSpelling() + "'");
    }
    consume();
    switch (tok.getKind()) {
    case TokenKind::Integer:
    case TokenKind::Float:
    case TokenKind::Identifier:
    case TokenKind::String:
      break;
    case TokenKind::BadNumber:
      emitError(tok.getLoc(), "invalid number '" + tok.getSpelling() + "'");
      return failure();
    default:
      return emitSyntaxError("expected a value for option '" +
                             name.getSpelling() + "'");
    }
    args.push_back({name, tok});
    consume();
    if (tok.is(TokenKind::Comma)) {
      consume();
      continue;
    }
    if (tok.is(TokenKind::RParen)) {
      consume();
      return success();
    }
    return emitSyntaxError("expected ',' or ')'");
  }
}

LogicalResult Parser::parseEndOfStatement() {
  if (tok.is(TokenKind::Eof))
    return success();
  if (tok.is(TokenKind::Newline)) {
    consume();
    return success();
  }
  return emitSyntaxError("expected newline after statement");
}

//===----------------------------------------------------------------------===//
// Option values
//===----------------------------------------------------------------------===//

LogicalResult Parser::checkOptions(const OptionSchema &schema,
                                   ArrayRef<Arg> args) {
  llvm::StringMap<SMLoc> seen;
  for (const Arg &arg : args) {
    StringRef name = arg.name.getSpelling();
    if (llvm::is_contained(schema.unsupported, name)) {
      emitError(arg.name.getLoc(), "option '" + name + "' of " + schema.owner +
                                       " is not supported yet");
      return failure();
    }
    if (!llvm::is_contained(schema.known, name)) {
      auto diag = emitError(arg.name.getLoc(), "unknown option '" + name +
                                                   "' for " + schema.owner);
      StringRef suggestion = findClosest(name, schema.known);
      if (!suggestion.empty())
        diag << "; did you mean '" << suggestion << "'?";
      return failure();
    }
    auto [it, inserted] = seen.try_emplace(name, arg.name.getLoc());
    if (!inserted) {
      emitError(arg.name.getLoc(), "duplicate option '" + name + "'")
              .attachNote(getLoc(it->second))
          << "previous value of '" << name << "' is here";
      return failure();
    }
  }
  return success();
}

/// Returns the argument called `name`, or null.
static const Arg *findArg(ArrayRef<Arg> args, StringRef name) {
  for (const Arg &arg : args)
    if (arg.name.getSpelling() == name)
      return &arg;
  return nullptr;
}

LogicalResult Parser::getSize(const Arg &arg, int64_t &out) {
  StringRef name = arg.name.getSpelling();
  if (arg.value.isNot(TokenKind::Integer) || arg.value.getIntValue() <= 0) {
    emitError(arg.value.getLoc(), "'" + name +
                                      "' must be a positive integer, got " +
                                      arg.describeValue());
    return failure();
  }
  if (arg.value.getIntValue() > kMaxSize) {
    emitError(arg.value.getLoc(), "'" + name + "' must be at most " +
                                      Twine(kMaxSize) + ", got " +
                                      arg.describeValue());
    return failure();
  }
  out = arg.value.getIntValue();
  return success();
}

LogicalResult Parser::getBool(const Arg &arg, bool &out) {
  if (std::optional<StringRef> word = arg.getWord()) {
    if (*word == "True" || *word == "true") {
      out = true;
      return success();
    }
    if (*word == "False" || *word == "false") {
      out = false;
      return success();
    }
  }
  emitError(arg.value.getLoc(), "'" + arg.name.getSpelling() +
                                    "' expects a boolean, got " +
                                    arg.describeValue());
  return failure();
}

LogicalResult Parser::getChoice(const Arg &arg, ArrayRef<StringRef> choices,
                                unsigned &out) {
  if (std::optional<StringRef> word = arg.getWord()) {
    for (auto [i, choice] : llvm::enumerate(choices)) {
      if (*word == choice) {
        out = i;
        return success();
      }
    }
  }
  // 'a'; 'a' or 'b'; one of 'a', 'b' or 'c'.
  std::string expected = choices.size() > 2 ? "one of " : "";
  for (auto [i, choice] : llvm::enumerate(choices)) {
    if (i > 0)
      expected += i + 1 == choices.size() ? " or " : ", ";
    expected += ("'" + choice + "'").str();
  }
  emitError(arg.value.getLoc(), "'" + arg.name.getSpelling() + "' must be " +
                                    expected + ", got " + arg.describeValue());
  return failure();
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

LogicalResult Parser::checkLayerName(StringRef className, SMLoc loc,
                                     std::optional<Token> name,
                                     std::string &out) {
  if (name) {
    StringRef spelling = name->getStringValue();
    if (!isIdentifier(spelling)) {
      emitError(name->getLoc(), "layer name '" + quotable(spelling) +
                                    "' is not a valid identifier");
      return failure();
    }
    out = spelling.str();
  } else {
    // PyTorch attribute names used throughout the lesson.
    if (className == "Embedding")
      out = "embedding";
    else if (className == "RNN")
      out = "rnn";
    else if (className == "Linear")
      out = "fc";
    else
      out = "loss";
  }

  // A second layer of the same class is reported before any name clash.
  std::optional<SMLoc> previous;
  if (className == "Embedding")
    previous = embeddingLoc;
  else if (className == "RNN")
    previous = rnnLoc;
  else if (className == "Linear")
    previous = headLoc;
  else
    previous = lossLoc;
  if (previous) {
    if (className.ends_with("Loss"))
      emitError(loc, "duplicate loss " + className +
                         "; a model has at most one loss")
              .attachNote(getLoc(*previous))
          << "previous loss is here";
    else
      emitError(loc,
                "duplicate " + className + " layer; a model has at most one")
              .attachNote(getLoc(*previous))
          << "previous " << className << " layer is here";
    return failure();
  }

  auto [it, inserted] = layerNames.try_emplace(out, loc);
  if (!inserted) {
    auto diag = emitError(loc, "duplicate layer name '" + out + "'");
    if (!name)
      diag << " (the default name of " << className << ")";
    diag.attachNote(getLoc(it->second))
        << "previous layer named '" << out << "' is here";
    return failure();
  }
  return success();
}

LogicalResult Parser::checkInput(SMLoc loc, ArrayRef<Arg> args) {
  if (inputLoc) {
    emitError(loc, "duplicate 'input' statement").attachNote(getLoc(*inputLoc))
        << "previous 'input' statement is here";
    return failure();
  }
  inputLoc = loc;
  spec.input.loc = getLoc(loc);
  if (failed(checkOptions({"input", kInputOptions, {}}, args)))
    return failure();

  if (const Arg *arg = findArg(args, "seq_len")) {
    std::optional<StringRef> word = arg->getWord();
    if (!word || *word != "dynamic") {
      if (arg->value.isNot(TokenKind::Integer) ||
          arg->value.getIntValue() <= 0) {
        emitError(arg->value.getLoc(),
                  "'seq_len' must be a positive integer or 'dynamic', got " +
                      arg->describeValue());
        return failure();
      }
      int64_t seqLen;
      if (failed(getSize(*arg, seqLen)))
        return failure();
      spec.input.seqLen = seqLen;
    }
  }
  if (const Arg *arg = findArg(args, "dtype")) {
    static constexpr StringRef dtypes[] = {"float32", "int64", "int32"};
    unsigned index = 0;
    if (failed(getChoice(*arg, dtypes, index)))
      return failure();
    spec.input.dtype = index == 0   ? InputDType::Float32
                       : index == 1 ? InputDType::Int64
                                    : InputDType::Int32;
    dtypeValueLoc = arg->value.getLoc();
  }
  return success();
}

LogicalResult Parser::checkEmbedding(SMLoc loc, std::string name,
                                     ArrayRef<Arg> args) {
  embeddingLoc = loc;
  if (failed(checkOptions(
          {"Embedding", kEmbeddingOptions, kEmbeddingUnsupported}, args)))
    return failure();
  EmbeddingSpec emb;
  emb.name = std::move(name);
  emb.loc = getLoc(loc);
  for (StringRef option : kEmbeddingOptions) {
    const Arg *arg = findArg(args, option);
    if (!arg) {
      emitError(loc, "Embedding requires '" + option + "'");
      return failure();
    }
    if (failed(getSize(*arg, option == "num_embeddings" ? emb.numEmbeddings
                                                        : emb.embeddingDim)))
      return failure();
  }
  spec.embedding = std::move(emb);
  return success();
}

LogicalResult Parser::checkRnn(SMLoc loc, std::string name,
                               ArrayRef<Arg> args) {
  rnnLoc = loc;
  hasRnn = true;
  if (failed(checkOptions({"RNN", kRnnOptions, kRnnUnsupported}, args)))
    return failure();
  RnnSpec &rnn = spec.rnn;
  rnn.name = std::move(name);
  rnn.loc = getLoc(loc);

  // Options in source order, so the first bad one is reported first.
  for (const Arg &arg : args) {
    StringRef option = arg.name.getSpelling();
    LogicalResult result = success();
    if (option == "input_size") {
      result = getSize(arg, rnn.inputSize);
      inputSizeValueLoc = arg.value.getLoc();
    } else if (option == "hidden_size") {
      result = getSize(arg, rnn.hiddenSize);
    } else if (option == "num_layers") {
      result = getSize(arg, rnn.numLayers);
      if (succeeded(result) && rnn.numLayers > kMaxLayers) {
        emitError(arg.value.getLoc(),
                  "'num_layers' must be at most " + Twine(kMaxLayers) +
                      ", got " + arg.describeValue() +
                      " (rnnc's limit; docs/spec-language.md, \"Limits of "
                      "the tools\")");
        result = failure();
      }
    } else if (option == "nonlinearity") {
      static constexpr StringRef choices[] = {"tanh", "relu"};
      unsigned index = 0;
      result = getChoice(arg, choices, index);
      rnn.tanh = index == 0;
    } else if (option == "bias") {
      result = getBool(arg, rnn.bias);
    } else if (option == "batch_first") {
      result = getBool(arg, rnn.batchFirst);
    } else if (option == "bidirectional") {
      result = getBool(arg, rnn.bidirectional);
    } else if (option == "dropout") {
      // nn.RNN takes a float; accept any spelling of zero.
      double value = 1.0;
      bool isNumber =
          arg.value.is(TokenKind::Integer) || arg.value.is(TokenKind::Float);
      if (!isNumber || arg.value.getSpelling().getAsDouble(value) ||
          value != 0.0) {
        emitError(arg.value.getLoc(),
                  "'dropout' must be 0 (dropout is not supported yet), got " +
                      arg.describeValue());
        return failure();
      }
    }
    if (failed(result))
      return failure();
  }
  if (!findArg(args, "hidden_size")) {
    emitError(loc, "RNN requires 'hidden_size'");
    return failure();
  }
  return success();
}

LogicalResult Parser::checkLinear(SMLoc loc, std::string name,
                                  ArrayRef<Arg> args) {
  headLoc = loc;
  if (failed(
          checkOptions({"Linear", kLinearOptions, kLinearUnsupported}, args)))
    return failure();
  LinearSpec head;
  head.name = std::move(name);
  head.loc = getLoc(loc);
  for (const Arg &arg : args) {
    StringRef option = arg.name.getSpelling();
    LogicalResult result = success();
    if (option == "in_features") {
      result = getSize(arg, head.inFeatures);
      inFeaturesValueLoc = arg.value.getLoc();
    } else if (option == "out_features") {
      result = getSize(arg, head.outFeatures);
    } else if (option == "bias") {
      result = getBool(arg, head.bias);
    } else if (option == "on") {
      static constexpr StringRef choices[] = {"last", "all"};
      unsigned index = 0;
      result = getChoice(arg, choices, index);
      head.on = index == 0 ? HeadKind::Last : HeadKind::All;
    }
    if (failed(result))
      return failure();
  }
  if (!findArg(args, "out_features")) {
    emitError(loc, "Linear requires 'out_features'");
    return failure();
  }
  spec.head = std::move(head);
  return success();
}

LogicalResult Parser::checkLoss(SMLoc loc, std::string name, LossKind kind,
                                ArrayRef<Arg> args) {
  lossLoc = loc;
  bool mse = kind == LossKind::MSE;
  StringRef owner = mse ? "MSELoss" : "CrossEntropyLoss";
  ArrayRef<StringRef> options = mse ? ArrayRef<StringRef>(kMSELossOptions)
                                    : ArrayRef<StringRef>(kCrossEntropyOptions);
  ArrayRef<StringRef> unsupported =
      mse ? ArrayRef<StringRef>(kMSELossUnsupported)
          : ArrayRef<StringRef>(kCrossEntropyUnsupported);
  if (failed(checkOptions({owner, options, unsupported}, args)))
    return failure();
  LossSpec loss;
  if (const Arg *arg = findArg(args, "reduction")) {
    if (arg->getWord() == StringRef("none")) {
      emitError(arg->value.getLoc(),
                "reduction 'none' is not supported: the training entry "
                "points need one scalar loss; use 'mean' or 'sum'");
      return failure();
    }
    static constexpr StringRef choices[] = {"mean", "sum"};
    unsigned index = 0;
    if (failed(getChoice(*arg, choices, index)))
      return failure();
    loss.reduction = index == 0 ? LossReduction::Mean : LossReduction::Sum;
  }
  if (const Arg *arg = findArg(args, "ignore_index")) {
    if (arg->value.isNot(TokenKind::Integer)) {
      emitError(arg->value.getLoc(), "'ignore_index' must be an integer, got " +
                                         arg->describeValue());
      return failure();
    }
    loss.ignoreIndex = arg->value.getIntValue();
  }
  loss.name = std::move(name);
  loss.kind = kind;
  loss.loc = getLoc(loc);
  spec.loss = std::move(loss);
  return success();
}

//===----------------------------------------------------------------------===//
// Whole-model checks
//===----------------------------------------------------------------------===//

LogicalResult Parser::checkModel() {
  if (!hasRnn) {
    if (headLoc) {
      emitError(*headLoc, "Linear head requires an RNN layer");
      return failure();
    }
    emitError(firstStatementLoc.value_or(SMLoc::getFromPointer(bufferStart)),
              "model has no RNN layer");
    return failure();
  }
  RnnSpec &rnn = spec.rnn;

  // Token ids and the Embedding come together, as in the lesson's CharRNN.
  bool integerInput = spec.input.dtype != InputDType::Float32;
  if (spec.embedding && !integerInput) {
    emitError(*embeddingLoc, "Embedding requires integer token ids as input; "
                             "declare 'input(dtype=int64)'");
    return failure();
  }
  if (!spec.embedding && integerInput) {
    emitError(*dtypeValueLoc, "integer input requires an Embedding layer");
    return failure();
  }

  // nn.RNN's input_size is the embedding width when an Embedding feeds it.
  if (spec.embedding) {
    if (inputSizeValueLoc && rnn.inputSize != spec.embedding->embeddingDim) {
      emitError(*inputSizeValueLoc,
                "'input_size' (" + Twine(rnn.inputSize) +
                    ") does not match the Embedding's 'embedding_dim' (" +
                    Twine(spec.embedding->embeddingDim) + ")");
      return failure();
    }
    rnn.inputSize = spec.embedding->embeddingDim;
  } else if (!inputSizeValueLoc) {
    emitError(*rnnLoc,
              "RNN requires 'input_size' when there is no Embedding layer");
    return failure();
  }

  // Both sizes are below 2^31, so the product fits.
  int64_t width = rnn.hiddenSize * rnn.numDirections();
  if (spec.head) {
    if (inFeaturesValueLoc && spec.head->inFeatures != width) {
      auto diag = emitError(*inFeaturesValueLoc,
                            "'in_features' (" + Twine(spec.head->inFeatures) +
                                ") does not match the RNN output width (");
      if (rnn.bidirectional)
        diag << width << " = hidden_size " << rnn.hiddenSize
             << " x 2 directions)";
      else
        diag << "hidden_size " << rnn.hiddenSize << ")";
      return failure();
    }
    spec.head->inFeatures = width;
  }

  if (failed(checkParameterCount()))
    return failure();

  spec.name = modelName ? *modelName : defaultModelName(lexer.getBufferName());
  spec.loc = getLoc(modelLoc.value_or(
      firstStatementLoc.value_or(SMLoc::getFromPointer(bufferStart))));
  // Without an `input` statement, the input is where the first layer reads
  // it.
  if (!inputLoc)
    spec.input.loc = spec.embedding ? spec.embedding->loc : rnn.loc;
  return success();
}

LogicalResult Parser::checkParameterCount() {
  using llvm::SaturatingAdd;
  using llvm::SaturatingMultiply;
  const RnnSpec &rnn = spec.rnn;
  uint64_t total = 0;
  auto exceeds = [&](SMLoc loc) {
    if (total <= kMaxParams)
      return false;
    emitError(loc, "model has too many parameters; the limit is 2^40 "
                   "(1099511627776)");
    return true;
  };

  if (spec.embedding) {
    total = SaturatingMultiply<uint64_t>(spec.embedding->numEmbeddings,
                                         spec.embedding->embeddingDim);
    if (exceeds(*embeddingLoc))
      return failure();
  }

  // Per direction of layer k: H x in_k + H x H (+ 2H biases), where in_0 is
  // input_size and in_k is H x directions above it.
  uint64_t h = rnn.hiddenSize, dirs = rnn.numDirections();
  uint64_t biases = rnn.bias ? 2 * h : 0;
  uint64_t hh = SaturatingMultiply(h, h);
  uint64_t first =
      SaturatingAdd(SaturatingMultiply(h, uint64_t(rnn.inputSize)), hh, biases);
  uint64_t upper = SaturatingAdd(SaturatingMultiply(hh, dirs), hh, biases);
  uint64_t perDir = SaturatingAdd(
      first, SaturatingMultiply(uint64_t(rnn.numLayers - 1), upper));
  total = SaturatingAdd(total, SaturatingMultiply(perDir, dirs));
  if (exceeds(*rnnLoc))
    return failure();

  if (spec.head) {
    uint64_t out = spec.head->outFeatures;
    total = SaturatingAdd(
        total, SaturatingMultiply(out, uint64_t(spec.head->inFeatures)),
        spec.head->bias ? out : 0);
    if (exceeds(*headLoc))
      return failure();
  }
  return success();
}

std::optional<ModelSpec> rnnc::parseModelSpec(llvm::SourceMgr &sourceMgr,
                                              mlir::MLIRContext &context) {
  if (sourceMgr.getNumBuffers() == 0) {
    mlir::emitError(mlir::UnknownLoc::get(&context), "no input buffer");
    return std::nullopt;
  }
  return Parser(sourceMgr, context).parse();
}
