#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace clienttier::scoring {

// One client's CLV as the CLV code computes it (BG/NBD + Gamma-Gamma, or the heuristic when
// the tenant has too little data); scoring rules only read it. An empty method means "no
// estimate": P(alive) is then unknown and no rule uses it.
struct ClvEstimate {
  double expected_purchases = 0.0;   // over the configured horizon
  double p_alive = 1.0;              // 0..1
  int64_t expected_spend_minor = 0;  // per purchase
  int64_t clv_minor = 0;             // discounted, over the horizon
  bool heuristic = false;            // true when the fallback, not a fitted model, produced it
  // A kClvMethod* constant from clv.h ("bg_nbd+gamma_gamma", "heuristic", ...), viewed, never
  // owned; empty = none.
  std::string_view method;
};

}  // namespace clienttier::scoring
