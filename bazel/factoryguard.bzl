"""factoryguard for Bazel: one analysis action per C/C++ source (SPEC §7).

`factoryguard_aspect` walks `cc_library`, `cc_binary` and `cc_test` targets
and their `deps`. For each C or C++ file in a target's `srcs` it runs

    factoryguard --format shard -o <shard> --source-root . --no-cache
                 --unit-errors report --fail-on never --config <config>
                 <source> -- <the target's compile flags>

in the execroot, with the source, the target's transitive headers, the
configuration file and the factoryguard binary as the action's only inputs
(and, after it ran, only the headers the unit included: see _ACTION_SCRIPT).
The compile flags are those Bazel gives the target's compile action: the C++
toolchain's (features, `--copt`, `--cxxopt`/`--conlyopt`), the target's
`copts`, and the include paths and defines of its compilation context. Each
action writes one shard result; the output group `factoryguard_shards`
holds them all, transitively over `deps`. Bazel's action cache,
`--disk_cache` and remote caching and execution then make the analysis
incremental and distributed: an unchanged source with unchanged headers,
flags, configuration and binary is never analyzed again.

`factoryguard_report` applies the aspect to its `deps` and runs
`factoryguard merge` over their shards, writing `<name>.sarif` (or
`<name>.txt` with `format = "text"`): cross-unit chains, inference,
suppressions. Its SARIF is the one-run SARIF except `originalUriBaseIds`
and the invocation's `workingDirectory`, which name the directory the merge
ran in (a Bazel execroot); run the merge from the workspace instead for a
byte-identical report (docs/bazel.md).

Usage (docs/bazel.md): copy this directory to `bazel/` of the workspace, then

    # WORKSPACE
    load("//bazel:repositories.bzl", "factoryguard_binary")
    factoryguard_binary(name = "factoryguard")

    bazel build //... --aspects=//bazel:factoryguard.bzl%factoryguard_aspect \\
        --output_groups=factoryguard_shards

The configuration is the label flag `//bazel:config` (default
`//:.factoryguard.yaml`, the workspace root's; export it from the root
BUILD file): `--//bazel:config=//some/pkg:factoryguard.yaml`.
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")
load(
    "@bazel_tools//tools/build_defs/cc:action_names.bzl",
    "CPP_COMPILE_ACTION_NAME",
    "C_COMPILE_ACTION_NAME",
)

FactoryguardInfo = provider(
    doc = "What factoryguard_aspect found under a target, transitively over deps.",
    fields = {
        "shards": "depset of shard result files, one per analyzed source",
        "sources": "depset of the analyzed sources and their headers (merge reads them for fingerprints and NOLINT)",
    },
)

# What each action writes. "shard" is the per-unit result `factoryguard
# merge` joins (SPEC §7).
_FORMAT = "shard"

_C_EXTENSIONS = ["c"]
_CXX_EXTENSIONS = ["cc", "cpp", "cxx", "c++", "C", "cp", "CPP"]

_RULE_KINDS = ["cc_library", "cc_binary", "cc_test"]

# Flags a GCC toolchain gives that clang rejects as unknown arguments (a
# compile error that fails the unit). Unknown -W flags are harmless:
# factoryguard adds -Wno-unknown-warning-option.
_GCC_ONLY_FLAGS = ["-fno-canonical-system-headers"]

# Runs factoryguard on one source ($5...: its arguments), writing the
# preprocessor's dependency file ($3; clang writes it to standard output,
# so every action passes the same --extra-arg and the shards' settings
# agree), then lists the target's headers ($2)
# the unit did not include ($4, the action's unused_inputs_list): Bazel
# drops those from the action's inputs, so an edit of a header re-analyzes
# only the sources that include it, as for Bazel's own compile actions.
# When in doubt (no dependency file, escaped spaces in it) nothing is
# listed and every header stays an input. Needs GNU coreutils (realpath -s).
_ACTION_SCRIPT = """set -eu
fg=$1 headers=$2 depfile=$3 unused=$4
shift 4
"$fg" --extra-arg=-MD --extra-arg=-MF --extra-arg=- "$@" > "$depfile"
export LC_ALL=C
: > "$unused"
if [ ! -s "$depfile" ]; then exit 0; fi
if grep -q '\\\\ ' "$depfile"; then exit 0; fi
sed -e '1s/^[^:]*://' -e 's/\\\\$//' "$depfile" | tr ' ' '\\n' | sed -e '/^$/d' |
  xargs -r realpath -m -s --relative-to=. -- | sort -u > "$unused.used"
sort -u "$headers" | comm -23 - "$unused.used" > "$unused"
rm -f "$unused.used"
"""

def _shard_name(target_name, src):
    # One shard per (target, source): a source is its own unit in every
    # target that compiles it. External sources have short paths "../repo/..".
    path = src.short_path.replace("../", "external/")
    return "%s.factoryguard/%s.json" % (target_name, path)

def _compile_flags(ctx, cc_toolchain, feature_configuration, compilation_context, is_c):
    fragment = ctx.fragments.cpp
    user_flags = list(fragment.copts)
    user_flags.extend(fragment.conlyopts if is_c else fragment.cxxopts)
    for copt in getattr(ctx.rule.attr, "copts", []):
        # As the cc rules do: copts are Bourne-shell tokenized. $(location)
        # and make variables are not expanded here.
        user_flags.extend(ctx.tokenize(copt))
    defines = [compilation_context.defines]
    if hasattr(compilation_context, "local_defines"):
        defines.append(compilation_context.local_defines)
    variables = cc_common.create_compile_variables(
        cc_toolchain = cc_toolchain,
        feature_configuration = feature_configuration,
        user_compile_flags = user_flags,
        include_directories = compilation_context.includes,
        quote_include_directories = compilation_context.quote_includes,
        system_include_directories = compilation_context.system_includes,
        framework_include_directories = compilation_context.framework_includes,
        preprocessor_defines = depset(transitive = defines),
    )
    flags = cc_common.get_memory_inefficient_command_line(
        feature_configuration = feature_configuration,
        action_name = C_COMPILE_ACTION_NAME if is_c else CPP_COMPILE_ACTION_NAME,
        variables = variables,
    )
    return [f for f in flags if f not in _GCC_ONLY_FLAGS]

def _factoryguard_aspect_impl(target, ctx):
    deps = [d[FactoryguardInfo] for d in getattr(ctx.rule.attr, "deps", []) if FactoryguardInfo in d]
    shards = []
    sources = []
    if ctx.rule.kind in _RULE_KINDS and CcInfo in target:
        cc_toolchain = find_cpp_toolchain(ctx)
        feature_configuration = cc_common.configure_features(
            ctx = ctx,
            cc_toolchain = cc_toolchain,
            requested_features = ctx.features,
            unsupported_features = ctx.disabled_features,
        )
        compilation_context = target[CcInfo].compilation_context
        config = ctx.file._config
        binary = ctx.executable._factoryguard

        # Private headers in srcs and textual headers are inputs too.
        own_files = ctx.rule.files.srcs + getattr(ctx.rule.files, "hdrs", []) + \
                    getattr(ctx.rule.files, "textual_hdrs", [])
        headers = depset(
            [f for f in own_files if f.extension not in _C_EXTENSIONS + _CXX_EXTENSIONS],
            transitive = [compilation_context.headers],
        )
        # The target's headers, one exec path a line, for the action script.
        headers_list = ctx.actions.declare_file("%s.factoryguard/headers.txt" % target.label.name)
        headers_args = ctx.actions.args()
        headers_args.set_param_file_format("multiline")
        headers_args.add_all(headers)
        ctx.actions.write(headers_list, headers_args)
        flags = {}
        for src in ctx.rule.files.srcs:
            if src.extension not in _C_EXTENSIONS + _CXX_EXTENSIONS:
                continue
            is_c = src.extension in _C_EXTENSIONS
            if is_c not in flags:
                flags[is_c] = _compile_flags(ctx, cc_toolchain, feature_configuration, compilation_context, is_c)
            name = _shard_name(target.label.name, src)
            shard = ctx.actions.declare_file(name)
            depfile = ctx.actions.declare_file(name + ".d")
            unused = ctx.actions.declare_file(name + ".unused")
            script_args = ctx.actions.args()
            script_args.add_all([binary, headers_list, depfile, unused])
            args = ctx.actions.args()
            args.add("--format", _FORMAT)
            args.add("-o", shard)
            args.add("--source-root", ".")
            args.add("--no-cache")
            args.add("--unit-errors", "report")
            args.add("--fail-on", "never")
            args.add("--config", config)
            args.add(src)
            args.add("--")
            args.add_all(flags[is_c])
            ctx.actions.run(
                # run_shell has no unused_inputs_list in Bazel 4.2.
                executable = "/bin/bash",
                arguments = ["-c", _ACTION_SCRIPT, "factoryguard", script_args, args],
                inputs = depset([src, config, headers_list], transitive = [headers]),
                tools = [binary],
                outputs = [shard, depfile, unused],
                unused_inputs_list = unused,
                mnemonic = "Factoryguard",
                progress_message = "factoryguard %s" % src.short_path,
            )
            shards.append(shard)
            sources.append(src)
        sources_depset = depset(sources, transitive = [headers] + [d.sources for d in deps])
    else:
        sources_depset = depset(transitive = [d.sources for d in deps])
    shards_depset = depset(shards, transitive = [d.shards for d in deps])
    return [
        FactoryguardInfo(shards = shards_depset, sources = sources_depset),
        OutputGroupInfo(factoryguard_shards = shards_depset),
    ]

factoryguard_aspect = aspect(
    implementation = _factoryguard_aspect_impl,
    attr_aspects = ["deps"],
    fragments = ["cpp"],
    attrs = {
        "_cc_toolchain": attr.label(default = Label("@bazel_tools//tools/cpp:current_cc_toolchain")),
        "_config": attr.label(default = Label("//bazel:config"), allow_single_file = True),
        "_factoryguard": attr.label(
            default = Label("@factoryguard//:factoryguard"),
            executable = True,
            cfg = "exec",
            allow_single_file = True,
        ),
    },
    doc = "Analyzes each C/C++ source of cc_library/cc_binary/cc_test targets and their deps (output group factoryguard_shards).",
)

def _factoryguard_report_impl(ctx):
    infos = [d[FactoryguardInfo] for d in ctx.attr.deps]
    shards = depset(transitive = [i.shards for i in infos])
    sources = depset(transitive = [i.sources for i in infos])
    out = ctx.actions.declare_file("%s.%s" % (ctx.label.name, "sarif" if ctx.attr.format == "sarif" else "txt"))
    args = ctx.actions.args()
    args.add("merge")
    args.add("--format", ctx.attr.format)
    args.add("-o", out)
    args.add("--source-root", ".")
    # The report is the product: findings and units that could not be
    # analyzed are in it, and do not fail the build.
    args.add("--fail-on", "never")
    args.add("--unit-errors", "report")
    args.add_all(shards)
    ctx.actions.run(
        executable = ctx.executable._factoryguard,
        arguments = [args],
        # The shards carry the configuration's text; the sources and
        # headers give the fingerprints' lines and NOLINT comments.
        inputs = depset(transitive = [shards, sources]),
        outputs = [out],
        mnemonic = "FactoryguardMerge",
        progress_message = "factoryguard merge %s" % out.short_path,
    )
    return [DefaultInfo(files = depset([out]))]

factoryguard_report = rule(
    implementation = _factoryguard_report_impl,
    attrs = {
        "deps": attr.label_list(aspects = [factoryguard_aspect], doc = "Targets whose sources (and deps') are analyzed."),
        "format": attr.string(default = "sarif", values = ["sarif", "text"]),
        "_factoryguard": attr.label(
            default = Label("@factoryguard//:factoryguard"),
            executable = True,
            cfg = "exec",
            allow_single_file = True,
        ),
    },
    doc = "Merges the shard results of deps' sources into one report (<name>.sarif or <name>.txt).",
)
