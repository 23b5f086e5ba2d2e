// Shared ownership of an object that is never changed once built: a compiled
// ruleset (shared by the engines made from it) and a compiled regex (shared
// by the copies of a condition). The count is atomic, as std::shared_ptr's
// is, so owners may be on different threads. std::shared_ptr would do, but
// its control block's base class is compiled into the prebuilt libc++ with
// RTTI, which pulls the C++ runtime's type_info and dynamic_cast code into
// the browser bundle (docs/benchmarks.md, "Browser bundle").
#pragma once
#include <atomic>
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace omo {

template <class T>
class Shared {
 public:
  Shared() noexcept = default;
  Shared(std::nullptr_t) noexcept {}
  // Takes ownership of p (from new). If its count cannot be allocated, p is
  // deleted and this is null (std::shared_ptr would throw).
  explicit Shared(T* p) : p_(p), refs_(p ? new (std::nothrow) std::atomic<long>(1) : nullptr) {
    if (p_ && !refs_) {
      delete p_;
      p_ = nullptr;
    }
  }
  Shared(const Shared& o) noexcept : p_(o.p_), refs_(o.refs_) { retain(); }
  Shared(Shared&& o) noexcept : p_(o.p_), refs_(o.refs_) { o.p_ = nullptr, o.refs_ = nullptr; }
  // Shared<Ruleset> to Shared<const Ruleset> (only: the object is deleted as T).
  template <class U, class = std::enable_if_t<std::is_same_v<const U, T>>>
  Shared(Shared<U>&& o) noexcept : p_(o.p_), refs_(o.refs_) {
    o.p_ = nullptr, o.refs_ = nullptr;
  }
  Shared& operator=(Shared o) noexcept {
    std::swap(p_, o.p_);
    std::swap(refs_, o.refs_);
    return *this;
  }
  ~Shared() {
    if (refs_ && refs_->fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete p_;
      delete refs_;
    }
  }

  T* get() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  friend bool operator==(const Shared& a, std::nullptr_t) noexcept { return !a.p_; }
  friend bool operator!=(const Shared& a, std::nullptr_t) noexcept { return a.p_ != nullptr; }

 private:
  template <class U>
  friend class Shared;
  void retain() noexcept {
    if (refs_) refs_->fetch_add(1, std::memory_order_relaxed);
  }
  T* p_ = nullptr;
  std::atomic<long>* refs_ = nullptr;
};

}  // namespace omo
