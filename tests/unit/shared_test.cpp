// omo::Shared (engine/shared.h): shared ownership of an immutable object.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "shared.h"

namespace {

struct Counted {
  static int alive;
  int value;
  explicit Counted(int v) : value(v) { ++alive; }
  ~Counted() { --alive; }
};
int Counted::alive = 0;

TEST(Shared, TheLastOwnerDeletesTheObject) {
  {
    omo::Shared<Counted> a(new Counted(7));
    omo::Shared<const Counted> b = std::move(a);  // to const: a is left empty
    EXPECT_FALSE(a);
    ASSERT_TRUE(b);
    {
      omo::Shared<const Counted> c = b, d;
      d = c;
      d = d;  // self-assignment keeps it
      EXPECT_EQ(d->value, 7);
      EXPECT_EQ(c.get(), b.get());
      EXPECT_EQ(Counted::alive, 1);
    }
    EXPECT_EQ(Counted::alive, 1);
    b = nullptr;
    EXPECT_EQ(Counted::alive, 0);
    EXPECT_FALSE(b);
  }
  EXPECT_EQ(Counted::alive, 0);
}

TEST(Shared, OwnersOnManyThreads) {
  // Copies made and dropped on several threads at once delete the object
  // exactly once.
  {
    omo::Shared<const Counted> shared(new Counted(1));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([shared] {
        for (int i = 0; i < 20000; ++i) {
          omo::Shared<const Counted> copy = shared;
          if (copy->value != 1) std::abort();
        }
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(Counted::alive, 1);
  }
  EXPECT_EQ(Counted::alive, 0);
}

}  // namespace
