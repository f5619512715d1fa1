// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include "share/importbatch.h"

#include <QByteArrayView>
#include <QString>

namespace pingscope {

// The pings a Glean SDK logged with GLEAN_LOG_PINGS=true (or the debug option logPings), each
// posted to the path it was logged with, its JSON as the body (Content-Type: application/json;
// the logs carry no other header), received when the log line says (with a time zone) or else at
// the ping's ping_info.end_time. glean-core's upload manager (glean-core/src/upload/mod.rs,
// chunked_log_info) logs them in two ways, both read here:
// - desktop (env_logger, Firefox's MOZ_LOG, plain stderr): "New upload task with id ID (path:
//   PATH)", then a record with the pretty-printed JSON alone, its lines after the first without
//   any prefix; older SDKs wrote "Glean ping to URL: PATH" and the JSON on the lines after it;
// - Android logcat ("adb logcat" in the threadtime, time or brief format): "Glean ping to URL:
//   PATH" and the JSON, every line with its logcat prefix; a ping longer than 4,000 bytes comes
//   in parts, "Glean ping to URL: PATH [Part 2 of 3]", which are joined again byte for byte
//   (android_logger also splits a message longer than 4,000 bytes at its last newline; the
//   empty line that leaves in logcat's output is taken out).
// A ping whose JSON is cut off (a lost part, a log ending early) or does not parse is a problem
// at the line it starts ("app.log line 12").
ImportBatch readGleanLog(QByteArrayView text, const QString &fileName);

} // namespace pingscope
