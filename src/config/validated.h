// The outcome of validating a whole input: the value, or every error found in it, so that a
// user fixes a file in one round instead of one error per run.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"

namespace userscale {

// Every error of one input, in the order the input was read.
using ErrorList = std::vector<Error>;

template <typename T>
class Validated {
 public:
  Validated(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  // `errors` must not be empty: an input without errors is a value.
  Validated(ErrorList errors) : data_(std::move(errors)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<T>(data_); }
  T& value() & { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const ErrorList& errors() const { return std::get<ErrorList>(data_); }

  // For callers that take a single Error: one error as it is, several joined with "; ".
  Result<T> to_result() const& {
    if (ok()) return value();
    return join_errors(errors());
  }

 private:
  static Error join_errors(const ErrorList& errors) {
    if (errors.size() == 1) return errors.front();
    std::string message;
    for (const Error& e : errors) {
      if (!message.empty()) message += "; ";
      message += e.to_string();
    }
    return Error{"", message};
  }

  std::variant<T, ErrorList> data_;
};

}  // namespace userscale
