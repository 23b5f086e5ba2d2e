#include "jsregex.h"

#include <algorithm>
#include <memory>

#include "jsvalue.h"

namespace omo {

enum class Op : uint8_t { Char, Any, Class, Split, Jmp, Match, Bol, Eol, WordB, NotWordB, Look };

struct Range {
  char16_t lo, hi;
};

struct Regex::Inst {
  Op op;
  char16_t ch = 0;
  bool negate = false;   // Class: [^...]; Look: (?! )
  int x = 0, y = 0;      // Split / Jmp targets; Look: program index
  int cls = -1;          // index into Program::classes
};

struct Regex::Program {
  std::vector<Inst> code;
  std::vector<std::vector<Range>> classes;
};

Regex::~Regex() = default;

namespace {

constexpr size_t kMaxInstructions = 20000;  // all programs together, class ranges included
constexpr size_t kMaxLookaheads = 16;
constexpr int kMaxRepeat = 1000;
constexpr int kMaxDepth = 200;

char16_t foldCase(char16_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x391 && c <= 0x3A9) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}
char16_t upperCase(char16_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c >= 0x3B1 && c <= 0x3C9) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

bool isWord(char16_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool isLineTerminator(char16_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029; }

const std::vector<Range>& digitRanges() {
  static const std::vector<Range> r{{'0', '9'}};
  return r;
}
const std::vector<Range>& wordRanges() {
  static const std::vector<Range> r{{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
  return r;
}
const std::vector<Range>& spaceRanges() {
  static const std::vector<Range> r{{'\t', '\r'}, {' ', ' '},       {0xA0, 0xA0},
                                    {0x1680, 0x1680}, {0x2000, 0x200A}, {0x2028, 0x2029},
                                    {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
                                    {0xFEFF, 0xFEFF}};
  return r;
}
std::vector<Range> complement(const std::vector<Range>& in) {
  // Insertion sort: classes hold few ranges, and std::sort costs 2 KB of wasm.
  std::vector<Range> sorted = in, out;
  for (size_t i = 1; i < sorted.size(); ++i)
    for (size_t j = i; j > 0 && sorted[j].lo < sorted[j - 1].lo; --j) std::swap(sorted[j], sorted[j - 1]);
  uint32_t next = 0;
  for (Range r : sorted) {
    if (r.lo > next) out.push_back({static_cast<char16_t>(next), static_cast<char16_t>(r.lo - 1)});
    next = std::max<uint32_t>(next, static_cast<uint32_t>(r.hi) + 1);
  }
  if (next <= 0xFFFF) out.push_back({static_cast<char16_t>(next), 0xFFFF});
  return out;
}

// ---- Parse to a tree --------------------------------------------------------

struct Node {
  enum Kind { Empty, Char, Any, Class, Cat, Alt, Repeat, Bol, Eol, WordB, NotWordB, Look } kind;
  char16_t ch = 0;
  std::vector<Range> ranges;
  bool negate = false;
  int min = 0, max = 0;  // Repeat; max < 0 means unbounded
  std::vector<std::unique_ptr<Node>> kids;
};
using NodeP = std::unique_ptr<Node>;

NodeP make(Node::Kind k) {
  auto n = std::make_unique<Node>();
  n->kind = k;
  return n;
}

class Parser {
 public:
  explicit Parser(const std::u16string& p) : p_(p) {}
  std::string error;

  NodeP parse() {
    NodeP n = disjunction(0);
    if (!error.empty()) return nullptr;
    if (i_ < p_.size()) {
      fail(p_[i_] == ')' ? "unmatched ')'" : "unexpected character");
      return nullptr;
    }
    return n;
  }

 private:
  const std::u16string& p_;
  size_t i_ = 0;

  void fail(const std::string& m) {
    if (error.empty()) error = m + " at position " + decimal(i_);
  }
  bool more() const { return i_ < p_.size(); }
  char16_t peek() const { return p_[i_]; }

  NodeP disjunction(int depth) {
    if (depth > kMaxDepth) {
      fail("pattern nested too deeply");
      return make(Node::Empty);
    }
    NodeP first = alternative(depth);
    if (!more() || peek() != '|') return first;
    NodeP alt = make(Node::Alt);
    alt->kids.push_back(std::move(first));
    while (more() && peek() == '|' && error.empty()) {
      ++i_;
      alt->kids.push_back(alternative(depth));
    }
    return alt;
  }

  NodeP alternative(int depth) {
    NodeP cat = make(Node::Cat);
    while (more() && peek() != '|' && peek() != ')' && error.empty()) {
      NodeP t = term(depth);
      if (t) cat->kids.push_back(std::move(t));
    }
    return cat;
  }

  bool readInt(int* out) {
    size_t start = i_;
    long v = 0;
    while (more() && peek() >= '0' && peek() <= '9') {
      v = std::min<long>(v * 10 + (peek() - '0'), 1000000);
      ++i_;
    }
    *out = static_cast<int>(v);
    return i_ > start;
  }

  // Tries to read {n}, {n,}, {n,m} at i_; on failure leaves i_ unchanged.
  bool braceQuantifier(int* mn, int* mx) {
    size_t save = i_;
    ++i_;  // '{'
    if (!readInt(mn)) {
      i_ = save;
      return false;
    }
    *mx = *mn;
    if (more() && peek() == ',') {
      ++i_;
      if (!readInt(mx)) *mx = -1;
    }
    if (!more() || peek() != '}') {
      i_ = save;
      return false;
    }
    ++i_;
    return true;
  }

  bool atQuantifier() {
    if (!more()) return false;
    char16_t c = peek();
    if (c == '*' || c == '+' || c == '?') return true;
    if (c == '{') {
      size_t save = i_;
      int a, b;
      bool q = braceQuantifier(&a, &b);
      i_ = save;
      return q;
    }
    return false;
  }

  NodeP term(int depth) {
    char16_t c = peek();
    NodeP atom;
    bool quantifiable = true;
    if (c == '^') {
      ++i_;
      atom = make(Node::Bol);
      quantifiable = false;
    } else if (c == '$') {
      ++i_;
      atom = make(Node::Eol);
      quantifiable = false;
    } else if (c == '\\' && i_ + 1 < p_.size() && (p_[i_ + 1] == 'b' || p_[i_ + 1] == 'B')) {
      atom = make(p_[i_ + 1] == 'b' ? Node::WordB : Node::NotWordB);
      i_ += 2;
      quantifiable = false;
    } else if (c == '(') {
      ++i_;
      bool look = false, negate = false;
      if (more() && peek() == '?') {
        if (i_ + 1 < p_.size() && p_[i_ + 1] == ':') {
          i_ += 2;
        } else if (i_ + 1 < p_.size() && (p_[i_ + 1] == '=' || p_[i_ + 1] == '!')) {
          look = true;
          negate = p_[i_ + 1] == '!';
          i_ += 2;
        } else if (i_ + 1 < p_.size() && p_[i_ + 1] == '<') {
          fail("lookbehind and named groups are not supported");
          return nullptr;
        } else {
          fail("invalid group");
          return nullptr;
        }
      }
      NodeP inner = disjunction(depth + 1);
      if (!more() || peek() != ')') {
        fail("unterminated group");
        return nullptr;
      }
      ++i_;
      if (look) {
        atom = make(Node::Look);
        atom->negate = negate;
        atom->kids.push_back(std::move(inner));
        quantifiable = false;
      } else {
        atom = std::move(inner);
      }
    } else if (c == '.') {
      ++i_;
      atom = make(Node::Any);
    } else if (c == '[') {
      atom = charClass();
    } else if (c == '\\') {
      atom = escapeAtom();
    } else if (c == '*' || c == '+' || c == '?') {
      fail("nothing to repeat");
      return nullptr;
    } else if (c == '{' && atQuantifier()) {
      fail("nothing to repeat");
      return nullptr;
    } else {
      ++i_;
      atom = make(Node::Char);
      atom->ch = c;
    }
    if (!atom || !error.empty()) return nullptr;
    if (!atQuantifier()) return atom;
    if (!quantifiable) {
      fail("nothing to repeat");
      return nullptr;
    }
    int mn = 0, mx = -1;
    char16_t q = peek();
    if (q == '*') {
      ++i_;
    } else if (q == '+') {
      ++i_;
      mn = 1;
    } else if (q == '?') {
      ++i_;
      mx = 1;
    } else {
      braceQuantifier(&mn, &mx);
      if (mx >= 0 && mx < mn) {
        fail("numbers out of order in {} quantifier");
        return nullptr;
      }
      if (mn > kMaxRepeat || mx > kMaxRepeat) {
        fail("repetition count too large");
        return nullptr;
      }
    }
    if (more() && peek() == '?') ++i_;  // lazy: same language for test()
    if (atQuantifier()) {
      fail("nothing to repeat");
      return nullptr;
    }
    NodeP rep = make(Node::Repeat);
    rep->min = mn;
    rep->max = mx;
    rep->kids.push_back(std::move(atom));
    return rep;
  }

  // Reads one escape after '\' (i_ at '\'). Returns a class (set) or a char.
  // For class escapes (\d etc.) fills ranges and returns true via *isSet.
  char16_t escape(std::vector<Range>* set, bool* isSet, bool inClass) {
    ++i_;  // '\'
    *isSet = false;
    if (!more()) {
      fail("\\ at end of pattern");
      return 0;
    }
    char16_t c = p_[i_++];
    auto hex = [&](int n) -> int {
      int v = 0;
      for (int k = 0; k < n; ++k) {
        if (!more()) return -1;
        int d = hexDigit(peek());
        if (d < 0) return -1;
        v = v * 16 + d;
        ++i_;
      }
      return v;
    };
    switch (c) {
      case 'd': *isSet = true; *set = digitRanges(); return 0;
      case 'D': *isSet = true; *set = complement(digitRanges()); return 0;
      case 'w': *isSet = true; *set = wordRanges(); return 0;
      case 'W': *isSet = true; *set = complement(wordRanges()); return 0;
      case 's': *isSet = true; *set = spaceRanges(); return 0;
      case 'S': *isSet = true; *set = complement(spaceRanges()); return 0;
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'b': return inClass ? u'\b' : 'b';
      case '0': return 0;
      case 'x': {
        size_t save = i_;
        int v = hex(2);
        if (v < 0) {
          i_ = save;
          return 'x';
        }
        return static_cast<char16_t>(v);
      }
      case 'u': {
        size_t save = i_;
        int v = hex(4);
        if (v < 0) {
          i_ = save;
          return 'u';
        }
        return static_cast<char16_t>(v);
      }
      case 'c':
        if (more() && ((peek() >= 'a' && peek() <= 'z') || (peek() >= 'A' && peek() <= 'Z')))
          return static_cast<char16_t>(p_[i_++] % 32);
        --i_;
        return '\\';
      default:
        if (c >= '1' && c <= '9') {
          fail("back-references are not supported");
          return 0;
        }
        return c;  // identity escape
    }
  }

  NodeP escapeAtom() {
    std::vector<Range> set;
    bool isSet;
    char16_t c = escape(&set, &isSet, false);
    if (!error.empty()) return nullptr;
    if (isSet) {
      NodeP n = make(Node::Class);
      n->ranges = std::move(set);
      return n;
    }
    NodeP n = make(Node::Char);
    n->ch = c;
    return n;
  }

  NodeP charClass() {
    ++i_;  // '['
    NodeP n = make(Node::Class);
    if (more() && peek() == '^') {
      n->negate = true;
      ++i_;
    }
    while (true) {
      if (!more()) {
        fail("unterminated character class");
        return nullptr;
      }
      if (peek() == ']') {
        ++i_;
        break;
      }
      std::vector<Range> set;
      bool isSet = false;
      char16_t lo;
      if (peek() == '\\') {
        lo = escape(&set, &isSet, true);
        if (!error.empty()) return nullptr;
      } else {
        lo = p_[i_++];
      }
      if (isSet) {
        for (Range r : set) n->ranges.push_back(std::move(r));  // no range insert: 0.7 KB of wasm
        continue;
      }
      if (more() && peek() == '-' && i_ + 1 < p_.size() && p_[i_ + 1] != ']') {
        ++i_;  // '-'
        char16_t hi;
        if (peek() == '\\') {
          hi = escape(&set, &isSet, true);
          if (!error.empty()) return nullptr;
          if (isSet) {  // [a-\d]: Annex B treats '-' literally
            n->ranges.push_back({lo, lo});
            n->ranges.push_back({'-', '-'});
            for (Range r : set) n->ranges.push_back(std::move(r));
            continue;
          }
        } else {
          hi = p_[i_++];
        }
        if (hi < lo) {
          fail("range out of order in character class");
          return nullptr;
        }
        n->ranges.push_back({lo, hi});
      } else {
        n->ranges.push_back({lo, lo});
      }
    }
    return n;
  }
};

// ---- Compile the tree to a program -------------------------------------------

class Compiler {
 public:
  Compiler(std::vector<Regex::Program>* progs, bool icase) : progs_(progs), icase_(icase) {}
  std::string error;

  int compileProgram(const Node& root) {
    if (progs_->size() > kMaxLookaheads && error.empty()) error = "too many lookaheads";
    int idx = static_cast<int>(progs_->size());
    progs_->emplace_back();
    emitNode(idx, root);
    emit(idx, {Op::Match});
    return idx;
  }

 private:
  std::vector<Regex::Program>* progs_;
  bool icase_;
  size_t size_ = 0;  // instructions and class ranges of every program: a repeated
                     // lookahead or class is a copy, so one budget bounds them all

  Regex::Program& prog(int p) { return (*progs_)[p]; }
  int pc(int p) { return static_cast<int>(prog(p).code.size()); }
  int emit(int p, Regex::Inst in) {
    if (++size_ > kMaxInstructions) {
      if (error.empty()) error = "pattern too large";
      return pc(p);
    }
    prog(p).code.push_back(in);
    return pc(p) - 1;
  }

  void emitNode(int p, const Node& n) {
    if (!error.empty()) return;
    switch (n.kind) {
      case Node::Empty: break;
      case Node::Char: {
        Regex::Inst in{Op::Char};
        in.ch = icase_ ? foldCase(n.ch) : n.ch;
        emit(p, in);
        break;
      }
      case Node::Any: emit(p, {Op::Any}); break;
      case Node::Class: {
        Regex::Inst in{Op::Class};
        in.negate = n.negate;
        in.cls = static_cast<int>(prog(p).classes.size());
        size_ += n.ranges.size();
        prog(p).classes.push_back(n.ranges);
        emit(p, in);
        break;
      }
      case Node::Cat:
        for (const auto& k : n.kids) emitNode(p, *k);
        break;
      case Node::Alt: {
        std::vector<int> jumps;
        for (size_t k = 0; k < n.kids.size(); ++k) {
          if (k + 1 < n.kids.size()) {
            int split = emit(p, {Op::Split});
            prog(p).code[split].x = pc(p);
            emitNode(p, *n.kids[k]);
            jumps.push_back(emit(p, {Op::Jmp}));
            if (error.empty()) prog(p).code[split].y = pc(p);
          } else {
            emitNode(p, *n.kids[k]);
          }
        }
        if (error.empty())
          for (int j : jumps) prog(p).code[j].x = pc(p);
        break;
      }
      case Node::Repeat: {
        const Node& body = *n.kids[0];
        for (int k = 0; k < n.min && error.empty(); ++k) emitNode(p, body);
        if (n.max < 0) {
          int split = emit(p, {Op::Split});
          prog(p).code[split].x = pc(p);
          emitNode(p, body);
          Regex::Inst j{Op::Jmp};
          j.x = split;
          emit(p, j);
          if (error.empty()) prog(p).code[split].y = pc(p);
        } else {
          std::vector<int> splits;
          for (int k = n.min; k < n.max && error.empty(); ++k) {
            int split = emit(p, {Op::Split});
            splits.push_back(split);
            prog(p).code[split].x = pc(p);
            emitNode(p, body);
          }
          if (error.empty())
            for (int s : splits) prog(p).code[s].y = pc(p);
        }
        break;
      }
      case Node::Bol: emit(p, {Op::Bol}); break;
      case Node::Eol: emit(p, {Op::Eol}); break;
      case Node::WordB: emit(p, {Op::WordB}); break;
      case Node::NotWordB: emit(p, {Op::NotWordB}); break;
      case Node::Look: {
        int sub = compileProgram(*n.kids[0]);
        Regex::Inst in{Op::Look};
        in.negate = n.negate;
        in.x = sub;
        emit(p, in);
        break;
      }
    }
  }
};

bool inRanges(const std::vector<Range>& rs, char16_t c) {
  for (Range r : rs)
    if (c >= r.lo && c <= r.hi) return true;
  return false;
}

}  // namespace

Shared<const Regex> Regex::compile(std::string_view pattern, bool ignoreCase,
                                   std::string* error) {
  std::u16string p = js::utf16(pattern);
  Parser parser(p);
  NodeP root = parser.parse();
  if (!root) {
    if (error) *error = parser.error;
    return nullptr;
  }
  Shared<Regex> re(new Regex());
  re->ignoreCase_ = ignoreCase;
  Compiler c(&re->programs_, ignoreCase);
  c.compileProgram(*root);
  if (!c.error.empty()) {
    if (error) *error = c.error;
    return nullptr;
  }
  return re;
}

bool Regex::test(std::string_view s) const { return test(js::utf16(s)); }

bool Regex::test(const std::u16string& s) const {
  std::vector<std::vector<signed char>> looks(programs_.size());
  return matchProgram(0, s, 0, false, looks);
}

// Pike VM: advances all threads in lock step over the subject. `anchored`
// matches only at `start` (used for lookahead).
// `looks` holds each lookahead's result per position (-1: not yet known):
// a lookahead inside a lookahead would otherwise run again for every
// position of the outer one, n^depth steps.
bool Regex::matchProgram(size_t pi, const std::u16string& s, size_t start, bool anchored,
                         std::vector<std::vector<signed char>>& looks) const {
  const Program& P = programs_[pi];
  const size_t n = P.code.size();
  std::vector<int> clist, nlist;
  std::vector<size_t> mark(n, SIZE_MAX);  // step at which an instruction was added
  std::vector<int> stack;
  clist.reserve(n);
  nlist.reserve(n);
  stack.reserve(n);

  // Follows non-consuming instructions from pc at position i; consuming ones
  // (and Match) are appended to `list`. Returns true when Match is reachable.
  auto addThread = [&](std::vector<int>& list, int pc0, size_t i, size_t step) -> bool {
    stack.clear();
    stack.push_back(pc0);
    bool matched = false;
    while (!stack.empty()) {
      int pc = stack.back();
      stack.pop_back();
      if (pc < 0 || static_cast<size_t>(pc) >= n || mark[pc] == step) continue;
      mark[pc] = step;
      const Inst& in = P.code[pc];
      switch (in.op) {
        case Op::Jmp: stack.push_back(in.x); break;
        case Op::Split:
          stack.push_back(in.y);
          stack.push_back(in.x);
          break;
        case Op::Bol:
          if (i == 0) stack.push_back(pc + 1);
          break;
        case Op::Eol:
          if (i == s.size()) stack.push_back(pc + 1);
          break;
        case Op::WordB:
        case Op::NotWordB: {
          bool a = i > 0 && isWord(s[i - 1]);
          bool b = i < s.size() && isWord(s[i]);
          if ((a != b) == (in.op == Op::WordB)) stack.push_back(pc + 1);
          break;
        }
        case Op::Look: {
          std::vector<signed char>& known = looks[in.x];
          if (known.empty()) known.assign(s.size() + 1, -1);
          if (known[i] < 0) known[i] = matchProgram(in.x, s, i, true, looks);
          if ((known[i] != 0) != in.negate) stack.push_back(pc + 1);
          break;
        }
        case Op::Match: matched = true; break;
        default: list.push_back(pc); break;
      }
    }
    return matched;
  };

  size_t step = 0;
  for (size_t i = start;; ++i) {
    if (!anchored || i == start) {
      if (addThread(clist, 0, i, step)) return true;
    }
    if (clist.empty() && (anchored || i >= s.size())) return false;
    if (i >= s.size()) return false;
    char16_t c = s[i];
    char16_t fc = ignoreCase_ ? foldCase(c) : c;
    ++step;
    nlist.clear();
    for (int pc : clist) {
      const Inst& in = P.code[pc];
      bool ok = false;
      switch (in.op) {
        case Op::Char: ok = fc == in.ch; break;
        case Op::Any: ok = !isLineTerminator(c); break;
        case Op::Class: {
          const auto& rs = P.classes[in.cls];
          bool hit = inRanges(rs, c) ||
                     (ignoreCase_ && (inRanges(rs, foldCase(c)) || inRanges(rs, upperCase(c))));
          ok = hit != in.negate;
          break;
        }
        default: break;
      }
      if (ok && addThread(nlist, pc + 1, i + 1, step)) return true;
    }
    std::swap(clist, nlist);
  }
}

}  // namespace omo
