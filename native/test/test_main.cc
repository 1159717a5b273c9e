#include <cstdio>
#include <cstring>

#include "test_framework.h"

namespace testing {

std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

int& current_failures() {
  static int failures = 0;
  return failures;
}

void report_failure(const char* file, int line, const std::string& what) {
  if (++current_failures() <= 5) std::fprintf(stderr, "    %s:%d: %s\n", file, line, what.c_str());
}

}  // namespace testing

// Usage: simdtrain_native_tests [substring]  (runs tests whose name contains it)
int main(int argc, char** argv) {
  int passed = 0, failed = 0;
  for (const auto& test : testing::registry()) {
    if (argc > 1 && std::strstr(test.name, argv[1]) == nullptr) continue;
    testing::current_failures() = 0;
    test.fn();
    if (testing::current_failures() == 0) {
      ++passed;
      std::printf("  ok   %s\n", test.name);
    } else {
      ++failed;
      std::printf("  FAIL %s (%d failed checks)\n", test.name, testing::current_failures());
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
