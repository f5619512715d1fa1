// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "connectdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pingscope {

QList<ConnectDialog::Snippet> ConnectDialog::snippets(const QString &url, quint16 port)
{
    const QString p = QString::number(port);
    return {
        {tr("Kotlin (Android)"), u"// Glean.initialize(...) in your Application class\n"
                                 u"Glean.initialize(\n"
                                 u"    applicationContext = applicationContext,\n"
                                 u"    uploadEnabled = true,\n"
                                 u"    configuration = Configuration(serverEndpoint = \"%1\"),\n"
                                 u"    buildInfo = GleanBuildInfo.buildInfo,\n"
                                 u")\n\n"
                                 u"// The emulator or device reaches this machine's 127.0.0.1 through adb:\n"
                                 u"//   adb reverse tcp:%2 tcp:%2\n"_s.arg(url, p)},
        {tr("Swift (iOS)"),
         u"Glean.shared.initialize(\n"
         u"    uploadEnabled: true,\n"
         u"    configuration: Configuration(serverEndpoint: \"%1\"),\n"
         u"    buildInfo: GleanMetrics.GleanBuild.info\n"
         u")\n\n"
         u"// The iOS simulator shares this machine's network: 127.0.0.1 works as is.\n"_s.arg(url)},
        {tr("Rust"), u"let cfg = glean::ConfigurationBuilder::new(true, data_path, \"org.example.app\")\n"
                     u"    .with_server_endpoint(\"%1\")\n"
                     u"    .build();\n"
                     u"glean::initialize(cfg, client_info);\n"_s.arg(url)},
        {tr("Python"), u"from glean import Glean, Configuration\n\n"
                       u"Glean.initialize(\n"
                       u"    application_id=\"org.example.app\",\n"
                       u"    application_version=\"1.0\",\n"
                       u"    upload_enabled=True,\n"
                       u"    data_dir=data_dir,\n"
                       u"    configuration=Configuration(server_endpoint=\"%1\"),\n"
                       u")\n"_s.arg(url)},
        {tr("Firefox"),
         u"// about:config (or user.js in the profile folder)\n"
         u"// Glean (FOG) pings:\n"
         u"user_pref(\"telemetry.fog.test.localhost_port\", %2);\n"
         u"// Legacy Telemetry pings (main, event, new-profile, ...):\n"
         u"user_pref(\"toolkit.telemetry.server\", \"%1\");\n"
         u"user_pref(\"toolkit.telemetry.server_owner\", \"local-test\");\n"
         u"user_pref(\"toolkit.telemetry.send.overrideOfficialCheck\", true);\n"
         u"user_pref(\"datareporting.healthreport.uploadEnabled\", true);\n"
         u"user_pref(\"datareporting.policy.dataSubmissionEnabled\", true);\n\n"
         u"// Tag the pings: start Firefox with\n"
         u"//   GLEAN_DEBUG_VIEW_TAG=my-tag GLEAN_SOURCE_TAGS=automation firefox\n"_s.arg(url, p)},
        {tr("Glean.js"), u"Glean.initialize(\"org.example.app\", true, {\n"
                         u"  serverEndpoint: \"%1\",\n"
                         u"});\n\n"
                         u"// Glean.js refuses http:// endpoints outside its test mode. In a web page, put\n"
                         u"// Pingscope behind an HTTPS reverse proxy, or use the SDK's testing mode while\n"
                         u"// developing. Pages on any origin may post: Pingscope answers CORS preflights.\n"
                         u"// Without a debug tag, browsers upload with navigator.sendBeacon (text/plain,\n"
                         u"// no Glean headers); Pingscope accepts those too.\n"_s.arg(url)},
        {tr("Tags"),
         u"// Group your pings with a debug view tag (X-Debug-ID, [a-zA-Z0-9-]{1,20})\n"
         u"// and mark test traffic with source tags (X-Source-Tags, at most 5):\n\n"
         u"// Any Glean SDK, from the environment:\n"
         u"GLEAN_DEBUG_VIEW_TAG=my-tag GLEAN_SOURCE_TAGS=automation,ci ./my-app\n\n"
         u"// Kotlin:  Glean.setDebugViewTag(\"my-tag\"); Glean.setSourceTags(setOf(\"automation\"))\n"
         u"// Swift:   Glean.shared.setDebugViewTag(\"my-tag\")\n"
         u"// Glean.js: Glean.setDebugViewTag(\"my-tag\"); Glean.setSourceTags([\"automation\"])\n"
         u"// Android, from adb:\n"
         u"adb shell am start -n org.example.app/mozilla.telemetry.glean.debug.GleanDebugActivity \\\n"
         u"    --es debugViewTag my-tag\n"_s},
    };
}

ConnectDialog::ConnectDialog(const QString &endpointUrl, quint16 port, QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Connect your app"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Point your app's telemetry at <b>%1</b>. Pings sent there appear in the "
                                "list at once.")
                                 .arg(endpointUrl.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *tabs = new QTabWidget(this);
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    for (const Snippet &s : snippets(endpointUrl, port)) {
        auto *page = new QWidget(tabs);
        auto *v = new QVBoxLayout(page);
        auto *text = new QPlainTextEdit(s.text, page);
        text->setReadOnly(true);
        text->setFont(mono);
        text->setLineWrapMode(QPlainTextEdit::NoWrap);
        v->addWidget(text);
        auto *row = new QHBoxLayout;
        row->addStretch();
        auto *copy = new QPushButton(tr("Copy"), page);
        row->addWidget(copy);
        v->addLayout(row);
        connect(copy, &QPushButton::clicked, this, [t = s.text] { QApplication::clipboard()->setText(t); });
        tabs->addTab(page, s.title);
    }
    layout->addWidget(tabs);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(box);
    resize(720, 460);
}

} // namespace pingscope
