"""Offline stand-in for @rules_java//java:defs.bzl: the native rules.
Bazel 4.2 registers @bazel_tools//tools/jdk:all, whose BUILD loads it, for
every build, C++ only too."""

def java_binary(**kwargs):
    native.java_binary(**kwargs)

def java_import(**kwargs):
    native.java_import(**kwargs)

def java_runtime(**kwargs):
    native.java_runtime(**kwargs)

def java_toolchain(**kwargs):
    native.java_toolchain(**kwargs)
