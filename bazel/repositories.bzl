"""The factoryguard binary as the external repository @factoryguard.

    # WORKSPACE
    load("//bazel:repositories.bzl", "factoryguard_binary")
    factoryguard_binary(name = "factoryguard")

links `$FACTORYGUARD` (see `--repo_env=FACTORYGUARD=/path/to/factoryguard`),
else the `factoryguard` found on PATH (the Debian package's
/usr/bin/factoryguard), as `@factoryguard//:factoryguard`. The link is
made again when either variable changes; the binary's content is an input
of every analysis action, so a new factoryguard re-analyzes everything.
"""

def _factoryguard_binary_impl(rctx):
    given = rctx.os.environ.get("FACTORYGUARD", "")
    binary = rctx.path(given) if given else rctx.which("factoryguard")
    if binary == None or not binary.exists:
        fail("factoryguard_binary: no factoryguard binary (%s); install factoryguard or pass --repo_env=FACTORYGUARD=/path/to/factoryguard" %
             ("FACTORYGUARD=" + given if given else "not on PATH"))
    rctx.symlink(binary, "factoryguard")
    rctx.file("WORKSPACE", "workspace(name = \"%s\")\n" % rctx.name)
    rctx.file("BUILD", "exports_files([\"factoryguard\"])\n")

factoryguard_binary = repository_rule(
    implementation = _factoryguard_binary_impl,
    environ = ["FACTORYGUARD", "PATH"],
    local = True,
    doc = "Makes @<name>//:factoryguard, the factoryguard binary of this machine.",
)
