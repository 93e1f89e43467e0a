//===- ExplainConfig.h - factoryguard --explain-config <file> ------------===//
#ifndef FACTORYGUARD_EXPLAINCONFIG_H
#define FACTORYGUARD_EXPLAINCONFIG_H

#include "Config.h"
#include "ConfigCheck.h"

#include <string>

namespace factoryguard {

/// The effective configuration of File as text (README "Configuration"):
/// which file it comes from, every entry with its position and the
/// declarations it matched in File's unit (Matches), and the factoryguard
/// annotations seen there.
std::string renderConfigExplanation(const std::string &File, const Config &Cfg,
                                    bool FromOption,
                                    const ConfigMatchRecord &Matches);

} // namespace factoryguard

#endif
