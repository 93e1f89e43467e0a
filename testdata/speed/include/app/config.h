// tests/SpeedTest.cpp edits this value between two runs; a header of the
// same name in override/ (searched first) shadows this one.
#pragma once
#define APP_HEADER_CALLS_FACTORY 0
