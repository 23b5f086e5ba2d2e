// Randomized response, the report wire format and the collector's estimator.
// Shared by the browser (encode) and the collector (validate, estimate): one
// implementation, so both sides agree byte for byte on what a valid report is.
// No exceptions, no clock, no randomness but the Rng handed in.
#include "measure.h"

#include "context.h"
#include "host.h"

#include <cmath>
#include <string_view>

#include "parse.h"

namespace omo {
namespace {

constexpr size_t kMaxSlug = 64;

// Letters, digits, '-', '_', '.'; 1..64 bytes; starts with a letter or digit.
bool isSlug(const std::string& s) {
  if (s.empty() || s.size() > kMaxSlug) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '-' && c != '_' && c != '.'))) return false;
  }
  return true;
}

int base64urlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Exactly 16 bytes as canonical unpadded base64url: 22 characters, the last
// one carrying 2 data bits (its low 4 bits zero), so each id has one spelling
// and a retried report cannot dodge the PRIMARY KEY by re-encoding.
bool isRid(const std::string& s) {
  if (s.size() != 22) return false;
  for (char c : s)
    if (base64urlValue(c) < 0) return false;
  return (base64urlValue(s.back()) & 0x0F) == 0;
}

// Keys for error messages: at most 40 bytes, cut on a UTF-8 boundary.
std::string shortKey(const std::string& key) {
  if (key.size() <= 40) return key;
  size_t n = 40;
  while (n > 0 && (static_cast<unsigned char>(key[n]) & 0xC0) == 0x80) --n;
  return key.substr(0, n) + "...";
}

// Reads an integer JSON value; false for floats, booleans, strings, ... and
// for integers outside int64.
bool integerOf(const Json& v, int64_t* out) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(u);
    return true;
  }
  if (v.is_number_integer()) {
    *out = v.get<int64_t>();
    return true;
  }
  return false;
}

// Where a body failed to parse, as a field path ("reports[3].eps").
std::string fieldPath(const JsonError& e) {
  std::string path;
  for (const JsonError::Step& step : e.path) {
    if (step.isIndex) {
      path += "[" + decimal(step.index) + "]";
    } else {
      if (!path.empty()) path += ".";
      path += shortKey(step.key);
    }
  }
  return path;
}


}  // namespace

// --- Report ------------------------------------------------------------------

Json Report::toJson() const {
  Json j = Json::object();
  j["rid"] = rid;
  j["task"] = task;
  j["cfg"] = cfg;
  j["win"] = win;
  j["mech"] = mech;
  j["eps"] = eps;
  j["d"] = d;
  j["y"] = y;
  return j;
}

bool Report::fromJson(const Json& j, Report* out, std::string* error) {
  auto fail = [&](const std::string& field, const std::string& msg) {
    if (error) *error = field + ": " + msg;
    return false;
  };
  if (!j.is_object()) return fail("report", "must be an object");
  static const char* const kKeys[] = {"rid", "task", "cfg", "win", "mech", "eps", "d", "y"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known) return fail(shortKey(it.key()), "unknown key (a report has exactly rid, task, cfg, win, mech, eps, d, y)");
  }
  Report r;
  const Json* v;

  if (!(v = member(j, "rid"))) return fail("rid", "missing");
  if (!v->is_string() || !isRid(v->get_ref<const std::string&>()))
    return fail("rid", "must be 16 bytes as unpadded base64url (22 characters)");
  r.rid = v->get_ref<const std::string&>();

  if (!(v = member(j, "task"))) return fail("task", "missing");
  if (!v->is_string() || !isSlug(v->get_ref<const std::string&>()))
    return fail("task", "must be an id of 1 to 64 letters, digits, '-', '_' or '.'");
  r.task = v->get_ref<const std::string&>();

  if (!(v = member(j, "cfg"))) return fail("cfg", "missing");
  if (!v->is_string() || !isSlug(v->get_ref<const std::string&>()))
    return fail("cfg", "must be a rules version hash of 1 to 64 letters, digits, '-', '_' or '.'");
  r.cfg = v->get_ref<const std::string&>();

  if (!(v = member(j, "win"))) return fail("win", "missing");
  if (!v->is_string() || !parseIsoWeek(v->get_ref<const std::string&>(), nullptr, nullptr))
    return fail("win", "must be an ISO week \"YYYY-Www\" that exists");
  r.win = v->get_ref<const std::string&>();

  if (!(v = member(j, "mech"))) return fail("mech", "missing");
  if (!v->is_string() || v->get_ref<const std::string&>() != "grr") return fail("mech", "must be \"grr\"");
  r.mech = "grr";

  if (!(v = member(j, "eps"))) return fail("eps", "missing");
  if (!v->is_number()) return fail("eps", "must be a number");
  r.eps = v->get<double>();
  if (!std::isfinite(r.eps) || !(r.eps > 0) || r.eps > 10) return fail("eps", "must be a number above 0 and at most 10");

  int64_t n = 0;
  if (!(v = member(j, "d"))) return fail("d", "missing");
  if (!integerOf(*v, &n) || n < 2 || n > measure::kMaxCells) return fail("d", "must be an integer from 2 to 64");
  r.d = static_cast<int>(n);

  if (!(v = member(j, "y"))) return fail("y", "missing");
  if (!integerOf(*v, &n) || n < 0 || n >= r.d) return fail("y", "must be an integer below d");
  r.y = static_cast<int>(n);

  if (out) *out = std::move(r);
  return true;
}

// --- ReportBatch ---------------------------------------------------------------

Json ReportBatch::toJson() const {
  Json j = Json::object();
  j["v"] = v;
  j["site"] = site;
  Json arr = Json::array();
  for (const auto& r : reports) arr.push_back(r.toJson());
  j["reports"] = std::move(arr);
  return j;
}

std::string ReportBatch::serialize() const {
  return toJson().dump();
}

bool ReportBatch::parse(const std::string& body, ReportBatch* out, std::string* error) {
  auto fail = [&](const std::string& field, const std::string& msg) {
    if (error) *error = field + ": " + msg;
    return false;
  };
  JsonError syntax;
  Json j = parseJson(body, &syntax);
  if (j.is_discarded()) {
    // A number too large for a double is a JSON error to the reader; name the
    // field it was in, like any other out-of-range value.
    if (syntax.numberTooBig && !syntax.path.empty()) return fail(fieldPath(syntax), "number out of range");
    return fail("body", "invalid JSON: " + syntax.message);
  }
  if (!j.is_object()) return fail("body", "must be a JSON object {\"v\":1,\"site\":...,\"reports\":[...]}");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    if (k != "v" && k != "site" && k != "reports")
      return fail(shortKey(k), "unknown key (a batch has exactly v, site, reports)");
  }
  ReportBatch b;
  const Json* v;
  int64_t n = 0;
  if (!(v = member(j, "v"))) return fail("v", "missing");
  if (!integerOf(*v, &n) || n != 1) return fail("v", "must be 1");
  b.v = 1;

  if (!(v = member(j, "site"))) return fail("site", "missing");
  if (!v->is_string() || !isSlug(v->get_ref<const std::string&>()))
    return fail("site", "must be an id of 1 to 64 letters, digits, '-', '_' or '.'");
  b.site = v->get_ref<const std::string&>();

  if (!(v = member(j, "reports"))) return fail("reports", "missing");
  if (!v->is_array() || v->empty() || v->size() > measure::kMaxReportsPerBatch)
    return fail("reports", "must be an array of 1 to 100 reports");
  b.reports.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    Report r;
    std::string e;
    if (!Report::fromJson((*v)[i], &r, &e)) {
      std::string prefix = "reports[" + decimal(i) + "]";
      // Report::fromJson names the field ("y: ..."), or the report itself.
      if (e.compare(0, 8, "report: ") == 0) return fail(prefix, e.substr(8));
      if (error) *error = prefix + "." + e;
      return false;
    }
    b.reports.push_back(std::move(r));
  }
  if (out) *out = std::move(b);
  return true;
}

// --- Randomized response ----------------------------------------------------------

namespace measure {

// e^eps from the host (host.h): in the browser Math.exp, natively libm's exp.
// The last bit may differ between the two, which no probability here can notice.
double keepProbability(double eps, int d) {
  double e = omo_host_exp(eps);
  return e / (e + d - 1);
}

double flipProbability(double eps, int d) { return 1.0 / (omo_host_exp(eps) + d - 1); }

int randomize(int truth, int d, double eps, Rng& rng) {
  if (d < 2) return 0;
  if (truth < 0) truth = 0;
  if (truth >= d) truth = d - 1;
  if (rng.uniform() < keepProbability(eps, d)) return truth;
  // Any other cell, uniformly: each with probability q = 1 / (e^eps + d - 1).
  int other = static_cast<int>(rng.below(static_cast<uint64_t>(d - 1)));
  return other >= truth ? other + 1 : other;
}

Report encode(const MeasurementTask& task, int truth, const std::string& cfg, const std::string& window,
              Rng& rng) {
  Report r;
  r.rid = rng.base64url(16);
  r.task = task.id;
  r.cfg = cfg;
  r.win = window;
  r.mech = "grr";
  r.eps = task.epsilon;
  r.d = task.d();
  r.y = randomize(truth, r.d, r.eps, rng);
  return r;
}

// The estimator (Wang et al., "Locally Differentially Private Protocols for
// Frequency Estimation", USENIX Security 2017, generalized randomized
// response). With N reports, c_i of them naming cell i,
//   p = e^eps / (e^eps + d - 1)   (a report keeps the true cell)
//   q = 1 / (e^eps + d - 1)       (a report names one particular other cell)
//   n^_i = (c_i - N q) / (p - q)  (unbiased: E[c_i] = n_i p + (N - n_i) q)
// Negative n^_i are clipped to 0 and the rest scaled so the counts sum to N
// again (the unclipped ones already do: sum n^_i = N (1 - d q)/(p - q) = N).
// Variance, given the true counts (each report an independent draw):
//   Var(n^_i) = N q (1 - q) / (p - q)^2 + n_i (1 - p - q) / (p - q)
// with n_i = N f_i estimated by the clipped, renormalized count. The 95%
// interval of the share f_i is f_i +- 1.96 sqrt(Var(n^_i)) / N, cut to [0, 1].
Estimate estimate(const std::vector<int64_t>& observed, double eps, const std::vector<std::string>& labels) {
  Estimate out;
  const int d = static_cast<int>(observed.size());
  int64_t n = 0;
  for (int64_t c : observed) n += c > 0 ? c : 0;
  out.n = n;
  out.cells.resize(observed.size());
  for (int i = 0; i < d; ++i)
    out.cells[i].label = i < static_cast<int>(labels.size()) ? labels[i] : decimal(i);
  const double p = keepProbability(eps, d), q = flipProbability(eps, d), N = static_cast<double>(n);
  // p == q when e^eps rounds to 1 (eps below ~1e-16): the reports say nothing.
  if (d < 2 || n == 0 || !std::isfinite(eps) || eps <= 0 || !(p > q)) {
    for (auto& c : out.cells) c.low = 0, c.high = 1;
    return out;
  }
  double sum = 0;
  for (int i = 0; i < d; ++i) {
    double c = static_cast<double>(observed[i] > 0 ? observed[i] : 0);
    double est = (c - N * q) / (p - q);
    out.cells[i].count = est > 0 ? est : 0;
    sum += out.cells[i].count;
  }
  for (auto& cell : out.cells) {
    if (sum > 0) cell.count *= N / sum;
    cell.share = std::fmin(1.0, cell.count / N);  // rounding can push a lone cell past 1
    double var = N * q * (1 - q) / ((p - q) * (p - q)) + cell.count * (1 - p - q) / (p - q);
    double half = 1.959963984540054 * std::sqrt(var > 0 ? var : 0) / N;
    cell.low = std::fmax(0.0, cell.share - half);
    cell.high = std::fmin(1.0, cell.share + half);
  }
  return out;
}

namespace {
bool endsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

// Rates and lifts by the delta method. The estimator's covariance, given the
// true counts n_i (estimated by the released counts):
//   Cov(n^_i, n^_i) = Var(n^_i) above
//   Cov(n^_i, n^_j) = -((n_i + n_j) p q + (N - n_i - n_j) q^2) / (p - q)^2
// (a report names i and j never both: Cov(1[y=i], 1[y=j]) = -P(i) P(j)).
// Rate r = Y / (Y + No): gradient (-r/T, (1-r)/T) over (No, Y), T = No + Y.
// Lift = r_arm - r_holdout: the two gradients, one negated.
std::vector<ArmConversion> conversions(const Estimate& e, double eps) {
  std::vector<ArmConversion> out;
  const size_t d = e.cells.size();
  if (d < 2 || d % 2 != 0) return out;
  for (size_t i = 0; i < d; i += 2) {
    const std::string& no = e.cells[i].label;
    const std::string& yes = e.cells[i + 1].label;
    if (!endsWith(no, "/no") || !endsWith(yes, "/yes")) return {};
    std::string arm = no.substr(0, no.size() - 3);
    if (arm.empty() || yes.compare(0, yes.size() - 4, arm) != 0 || yes.size() - 4 != arm.size()) return {};
    ArmConversion a;
    a.arm = arm;
    a.isHoldout = arm == "holdout";
    out.push_back(a);
  }
  const double N = static_cast<double>(e.n);
  const int di = static_cast<int>(d);
  const double p = keepProbability(eps, di), q = flipProbability(eps, di);
  auto cov = [&](size_t i, size_t j) {
    if (N <= 0) return 0.0;
    double ni = e.cells[i].count, nj = e.cells[j].count;
    if (i == j) return N * q * (1 - q) / ((p - q) * (p - q)) + ni * (1 - p - q) / (p - q);
    return -((ni + nj) * p * q + (N - ni - nj) * q * q) / ((p - q) * (p - q));
  };
  // gradient: sparse list of (cell, weight)
  using Grad = std::vector<std::pair<size_t, double>>;
  auto variance = [&](const Grad& g) {
    double v = 0;
    for (auto& a : g)
      for (auto& b : g) v += a.second * b.second * cov(a.first, b.first);
    return v > 0 ? v : 0;
  };
  const double z = 1.959963984540054;
  std::vector<Grad> grads(out.size());
  std::vector<bool> defined(out.size(), false);
  for (size_t k = 0; k < out.size(); ++k) {
    double no = e.cells[2 * k].count, yes = e.cells[2 * k + 1].count, t = no + yes;
    out[k].reports = t;
    if (t <= 0) continue;
    double r = yes / t;
    out[k].rate = r;
    grads[k] = {{2 * k, -r / t}, {2 * k + 1, (1 - r) / t}};
    defined[k] = true;
    double half = z * std::sqrt(variance(grads[k]));
    out[k].low = std::fmax(0.0, r - half);
    out[k].high = std::fmin(1.0, r + half);
  }
  size_t h = out.size();
  for (size_t k = 0; k < out.size(); ++k)
    if (out[k].isHoldout) h = k;
  if (h == out.size() || !defined[h]) return out;
  for (size_t k = 0; k < out.size(); ++k) {
    if (k == h || !defined[k]) continue;
    Grad g = grads[k];
    for (auto& x : grads[h]) g.push_back({x.first, -x.second});
    out[k].hasLift = true;
    out[k].lift = out[k].rate - out[h].rate;
    double half = z * std::sqrt(variance(g));
    out[k].liftLow = out[k].lift - half;
    out[k].liftHigh = out[k].lift + half;
  }
  return out;
}

}  // namespace measure
}  // namespace omo
