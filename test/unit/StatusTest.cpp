//===- StatusTest.cpp - Tests of status codes and messages ----------------===//
//
// SPDX-License-Identifier: Apache-2.0
//
//===----------------------------------------------------------------------===//
//
// This file tests the status enum values, their strings, the thread-local
// last error message, and that the C headers compile as C99 and together
// with a generated model header's copy of rnnc_param_info_t.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <thread>

extern "C" int rnnrtCApiSmokeTest(void);
extern "C" int rnnrtCApiInvalidEnumsTest(void);

/// A generated model header repeats the table struct behind the same guard;
/// including the runtime header first must make this a no-op.
#ifndef RNNC_PARAM_INFO_T_DEFINED
#error "rnnrt.h must define RNNC_PARAM_INFO_T_DEFINED"
#endif

namespace {

using namespace rnnrt_test;

/// The codes are IREE's canonical values; generated code returns them as
/// plain integers, so they must never change.
TEST(StatusTest, CanonicalValues) {
  EXPECT_EQ(RNNRT_OK, 0);
  EXPECT_EQ(RNNRT_CANCELLED, 1);
  EXPECT_EQ(RNNRT_UNKNOWN, 2);
  EXPECT_EQ(RNNRT_INVALID_ARGUMENT, 3);
  EXPECT_EQ(RNNRT_NOT_FOUND, 5);
  EXPECT_EQ(RNNRT_RESOURCE_EXHAUSTED, 8);
  EXPECT_EQ(RNNRT_FAILED_PRECONDITION, 9);
  EXPECT_EQ(RNNRT_OUT_OF_RANGE, 11);
  EXPECT_EQ(RNNRT_UNIMPLEMENTED, 12);
  EXPECT_EQ(RNNRT_INTERNAL, 13);
  EXPECT_EQ(RNNRT_DATA_LOSS, 15);
}

TEST(StatusTest, Strings) {
  EXPECT_STREQ(rnnrt_status_string(RNNRT_OK), "OK");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_CANCELLED), "CANCELLED");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_UNKNOWN), "UNKNOWN");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_INVALID_ARGUMENT), "INVALID_ARGUMENT");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_NOT_FOUND), "NOT_FOUND");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_RESOURCE_EXHAUSTED),
               "RESOURCE_EXHAUSTED");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_FAILED_PRECONDITION),
               "FAILED_PRECONDITION");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_OUT_OF_RANGE), "OUT_OF_RANGE");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_UNIMPLEMENTED), "UNIMPLEMENTED");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_INTERNAL), "INTERNAL");
  EXPECT_STREQ(rnnrt_status_string(RNNRT_DATA_LOSS), "DATA_LOSS");
  EXPECT_STREQ(rnnrt_status_string(static_cast<rnnrt_status_t>(4)),
               "UNKNOWN_STATUS");
}

/// A failing call sets the message; a later successful call keeps it.
TEST(StatusTest, LastErrorIsSetByFailureAndKeptBySuccess) {
  EXPECT_STATUS(RNNRT_INVALID_ARGUMENT, rnnrt_npy_read(nullptr, nullptr),
                "rnnrt_npy_read");
  std::string message = rnnrt_last_error_message();
  EXPECT_EQ(rnnrt_params_init_default(nullptr, 0, nullptr, 0, 1), RNNRT_OK);
  EXPECT_EQ(message, rnnrt_last_error_message());
}

/// Each thread sees only its own failures.
TEST(StatusTest, LastErrorIsThreadLocal) {
  EXPECT_STATUS(RNNRT_NOT_FOUND,
                rnnrt_params_load_safetensors("/nonexistent/main.safetensors",
                                              nullptr, 0, nullptr, 0),
                "/nonexistent/main.safetensors");
  std::string other;
  std::thread worker([&] {
    other = rnnrt_last_error_message();
    rnnrt_array_t *array = nullptr;
    EXPECT_EQ(rnnrt_npy_read("/nonexistent/worker.npy", &array),
              RNNRT_NOT_FOUND);
  });
  worker.join();
  EXPECT_EQ(other, "");
  EXPECT_NE(std::string(rnnrt_last_error_message()).find("main.safetensors"),
            std::string::npos);
}

/// CApiTest.c is compiled as C99 and uses every header.
TEST(StatusTest, HeadersCompileAsC99) { EXPECT_EQ(rnnrtCApiSmokeTest(), 0); }

/// C callers may pass any int as an enum; C++ cannot portably form such
/// values, so CApiTest.c does.
TEST(StatusTest, InvalidEnumValuesFromC) {
  EXPECT_EQ(rnnrtCApiInvalidEnumsTest(), 0) << rnnrt_last_error_message();
}

} // namespace
