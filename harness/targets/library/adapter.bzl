"""library_adapter: an in-process library target's adapter as two cc_library targets.

`<lib>` links the system library (@system//:<lib>, the -dev package) and is what the registry
uses; `<lib>_instrumented` is the same adapter over the build tools/instrumented-libs makes
(clang, ASan+UBSan, libFuzzer coverage; @instrumented//:<lib>, third_party/instrumented), for
the library fuzzers //harness/fuzz:<lib>_{server,client}_fuzzer (--config=fuzz only, tagged
manual so the default build never needs it).
"""

load("@rules_cc//cc:defs.bzl", "cc_library")

def library_adapter(name, deps):
    """The adapter `<name>_library.{h,cc}` over @system//:<name> and @instrumented//:<name>.

    Args:
      name: the library ("openssl"), as named in @system and @instrumented.
      deps: the adapter's dependencies other than the library itself.
    """
    for suffix, library, visibility, tags in [
        ("", "@system//:" + name, ["//harness/targets:__subpackages__"], []),
        ("_instrumented", "@instrumented//:" + name, ["//harness/fuzz:__pkg__"], ["manual"]),
    ]:
        cc_library(
            name = name + suffix,
            srcs = [name + "_library.cc"],
            hdrs = [name + "_library.h"],
            visibility = visibility,
            tags = tags,
            deps = deps + [library],
        )
