// A minimal test harness for the plain C++ kernel tests (no Node needed).
//   TEST(name) { CHECK(cond); CHECK_NEAR(a, b, tol); }
// main() runs every test and ends with "N passed, N failed".
#pragma once

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace testing {

struct TestCase {
  const char* name;
  std::function<void()> fn;
};

std::vector<TestCase>& registry();
// Failures recorded by the running test.
int& current_failures();

struct Registrar {
  Registrar(const char* name, std::function<void()> fn) { registry().push_back({name, std::move(fn)}); }
};

void report_failure(const char* file, int line, const std::string& what);

}  // namespace testing

#define TEST_CONCAT_(a, b) a##b
#define TEST_CONCAT(a, b) TEST_CONCAT_(a, b)
#define TEST(name)                                                               \
  static void name();                                                            \
  static ::testing::Registrar TEST_CONCAT(registrar_, name)(#name, name);        \
  static void name()

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) ::testing::report_failure(__FILE__, __LINE__, "CHECK(" #cond ")"); \
  } while (0)

// |a - b| <= tol, with a message that shows both values.
#define CHECK_NEAR(a, b, tol)                                                                  \
  do {                                                                                         \
    const double a_ = (a), b_ = (b), tol_ = (tol);                                             \
    if (!(std::fabs(a_ - b_) <= tol_)) {                                                       \
      ::testing::report_failure(__FILE__, __LINE__,                                            \
                                std::string(#a " ~ " #b ": ") + std::to_string(a_) + " vs " + \
                                    std::to_string(b_) + " (tol " + std::to_string(tol_) + ")"); \
    }                                                                                          \
  } while (0)
