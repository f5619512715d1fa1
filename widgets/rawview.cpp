// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#include "rawview.h"

#include "ping/decode.h"
#include "ping/ping.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPlainTextEdit>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <utility>
#include <vector>

using namespace Qt::StringLiterals;

namespace pingscope {

namespace {

constexpr qint64 kMaxDecoded = 64 * 1024 * 1024; // as the ingest default
constexpr qint64 kHexWindow = 1024 * 1024;       // bytes shown in one hex dump
constexpr int kMaxMatches = 10000;               // matches highlighted by find

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

void appendPointerToken(std::string &pointer, const std::string &key)
{
    for (const char c : key) {
        if (c == '~')
            pointer += "~0";
        else if (c == '/')
            pointer += "~1";
        else
            pointer += c;
    }
}

// Pretty-prints like nlohmann's dump(2), without recursion, recording the line on which each
// value starts under its RFC 6901 pointer.
void prettyPrint(const nlohmann::ordered_json &root, std::string &out,
                 std::unordered_map<std::string, int> &lines)
{
    using Json = nlohmann::ordered_json;
    struct Frame
    {
        const Json *node;
        Json::const_iterator it;
        std::size_t index;
        std::size_t pointerLength;
    };
    std::vector<Frame> stack;
    std::string pointer;
    int line = 1;
    auto newline = [&](std::size_t depth) {
        out += '\n';
        ++line;
        out.append(depth * 2, ' ');
    };
    auto put = [&](const Json &v) {
        lines.emplace(pointer, line);
        if (v.is_structured() && !v.empty()) {
            out += v.is_object() ? '{' : '[';
            stack.push_back({&v, v.cbegin(), 0, pointer.size()});
        } else if (v.is_object()) {
            out += "{}";
        } else if (v.is_array()) {
            out += "[]";
        } else {
            out += v.dump();
        }
    };
    put(root);
    while (!stack.empty()) {
        Frame &f = stack.back();
        const std::size_t depth = stack.size();
        if (f.it == f.node->cend()) {
            const char close = f.node->is_object() ? '}' : ']';
            stack.pop_back();
            newline(depth - 1);
            out += close;
            continue;
        }
        if (f.index > 0)
            out += ',';
        newline(depth);
        pointer.resize(f.pointerLength);
        pointer += '/';
        if (f.node->is_object()) {
            appendPointerToken(pointer, f.it.key());
            out += Json(f.it.key()).dump();
            out += ": ";
        } else {
            pointer += std::to_string(f.index);
        }
        const Json &child = *f.it;
        ++f.it;
        ++f.index;
        put(child); // may push: `f` is not used after this
    }
}

} // namespace

// JSON colours: keys, strings, numbers, literals, punctuation; a light and a dark set, chosen
// from the palette's base colour.
class JsonHighlighter : public QSyntaxHighlighter
{
public:
    explicit JsonHighlighter(QTextDocument *doc) : QSyntaxHighlighter(doc) { setDark(false); }

    void setEnabled(bool on) { m_enabled = on; }

    void setDark(bool dark)
    {
        auto fmt = [](const char16_t *colour, bool bold = false) {
            QTextCharFormat f;
            f.setForeground(QColor(QString::fromUtf16(colour)));
            if (bold)
                f.setFontWeight(QFont::DemiBold);
            return f;
        };
        m_key = fmt(dark ? u"#79b8ff" : u"#0b4f8a");
        m_string = fmt(dark ? u"#a5d6a7" : u"#1b6e20");
        m_number = fmt(dark ? u"#ffb86c" : u"#a34700");
        m_literal = fmt(dark ? u"#d7a6f7" : u"#7b1fa2", true);
        m_punct = fmt(dark ? u"#a8a8a8" : u"#5f5f5f");
    }

protected:
    void highlightBlock(const QString &text) override
    {
        if (!m_enabled)
            return;
        const qsizetype n = text.size();
        qsizetype i = 0;
        while (i < n) {
            const QChar c = text[i];
            if (c == u'"') {
                qsizetype j = i + 1;
                while (j < n && text[j] != u'"')
                    j += text[j] == u'\\' ? 2 : 1;
                j = qMin(j + 1, n);
                qsizetype k = j;
                while (k < n && text[k].isSpace())
                    ++k;
                setFormat(int(i), int(j - i), k < n && text[k] == u':' ? m_key : m_string);
                i = j;
            } else if (c == u'-' || c.isDigit()) {
                qsizetype j = i + 1;
                while (j < n && (text[j].isDigit() || text[j] == u'.' || text[j] == u'e' || text[j] == u'E' ||
                                 text[j] == u'+' || text[j] == u'-'))
                    ++j;
                setFormat(int(i), int(j - i), m_number);
                i = j;
            } else if (c.isLetter()) {
                qsizetype j = i + 1;
                while (j < n && text[j].isLetter())
                    ++j;
                const QStringView word = QStringView(text).mid(i, j - i);
                if (word == u"true" || word == u"false" || word == u"null")
                    setFormat(int(i), int(j - i), m_literal);
                i = j;
            } else {
                if (c == u'{' || c == u'}' || c == u'[' || c == u']' || c == u',' || c == u':')
                    setFormat(int(i), 1, m_punct);
                ++i;
            }
        }
    }

private:
    bool m_enabled = false;
    QTextCharFormat m_key, m_string, m_number, m_literal, m_punct;
};

class CodeView;

class LineGutter : public QWidget
{
public:
    explicit LineGutter(CodeView *view);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    CodeView *m_view;
};

// A read-only plain text view with line numbers in a side area.
class CodeView : public QPlainTextEdit
{
public:
    explicit CodeView(QWidget *parent) : QPlainTextEdit(parent), m_gutter(new LineGutter(this))
    {
        setReadOnly(true);
        setLineWrapMode(QPlainTextEdit::NoWrap);
        setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { updateGutterWidth(); });
        connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
            if (dy)
                m_gutter->scroll(0, dy);
            else
                m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
            if (rect.contains(viewport()->rect()))
                updateGutterWidth();
        });
        updateGutterWidth();
    }

    void setGutterVisible(bool on)
    {
        m_gutterVisible = on;
        m_gutter->setVisible(on);
        updateGutterWidth();
    }

    int gutterWidth() const
    {
        if (!m_gutterVisible)
            return 0;
        int digits = 1;
        for (int n = qMax(1, blockCount()); n >= 10; n /= 10)
            ++digits;
        return 8 + fontMetrics().horizontalAdvance(u'9') * qMax(digits, 3);
    }

    void paintGutter(QPaintEvent *event)
    {
        QPainter painter(m_gutter);
        const QPalette pal = palette();
        painter.fillRect(event->rect(), pal.color(QPalette::Window));
        painter.setPen(pal.color(QPalette::PlaceholderText));
        const int current = textCursor().blockNumber();
        QTextBlock block = firstVisibleBlock();
        int number = block.blockNumber();
        int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
        int bottom = top + qRound(blockBoundingRect(block).height());
        const int w = m_gutter->width() - 4;
        const int h = fontMetrics().height();
        while (block.isValid() && top <= event->rect().bottom()) {
            if (block.isVisible() && bottom >= event->rect().top()) {
                painter.setPen(pal.color(number == current ? QPalette::Text : QPalette::PlaceholderText));
                painter.drawText(0, top, w, h, Qt::AlignRight | Qt::AlignVCenter,
                                 QString::number(number + 1));
            }
            block = block.next();
            top = bottom;
            bottom = top + qRound(blockBoundingRect(block).height());
            ++number;
        }
    }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        QPlainTextEdit::resizeEvent(event);
        const QRect cr = contentsRect();
        m_gutter->setGeometry(QRect(cr.left(), cr.top(), gutterWidth(), cr.height()));
    }

private:
    void updateGutterWidth() { setViewportMargins(gutterWidth(), 0, 0, 0); }

    LineGutter *m_gutter;
    bool m_gutterVisible = true;
};

LineGutter::LineGutter(CodeView *view) : QWidget(view), m_view(view) {}

QSize LineGutter::sizeHint() const
{
    return {m_view->gutterWidth(), 0};
}

void LineGutter::paintEvent(QPaintEvent *event)
{
    m_view->paintGutter(event);
}

// --- RawView ---

RawView::RawView(QWidget *parent) : QWidget(parent)
{
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->setTextFormat(Qt::PlainText);
    m_message->hide();

    m_copyAll = new QToolButton(this);
    m_copyAll->setText(tr("Copy all"));
    m_copyAll->setToolTip(tr("Copy everything shown to the clipboard"));
    connect(m_copyAll, &QToolButton::clicked, this, &RawView::copyAll);
    auto *findButton = new QToolButton(this);
    findButton->setText(tr("Find…"));
    findButton->setToolTip(tr("Find in the payload (%1)")
                               .arg(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)));
    connect(findButton, &QToolButton::clicked, this, &RawView::showFindBar);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_message, 1);
    top->addStretch(0);
    top->addWidget(findButton);
    top->addWidget(m_copyAll);

    m_view = new CodeView(this);
    m_view->setPlaceholderText(tr("Select a ping to see its payload."));
    m_highlighter = new JsonHighlighter(m_view->document());
    m_highlighter->setDark(isDark(palette()));
    m_view->installEventFilter(this);

    m_findBar = new QWidget(this);
    m_findEdit = new QLineEdit(m_findBar);
    m_findEdit->setPlaceholderText(tr("Find (case-insensitive)"));
    m_findEdit->setClearButtonEnabled(true);
    m_findEdit->installEventFilter(this);
    auto *prev = new QToolButton(m_findBar);
    prev->setText(tr("Previous"));
    prev->setToolTip(tr("Previous match (Shift+Enter)"));
    auto *next = new QToolButton(m_findBar);
    next->setText(tr("Next"));
    next->setToolTip(tr("Next match (Enter)"));
    m_findCount = new QLabel(m_findBar);
    auto *close = new QToolButton(m_findBar);
    close->setText(u"✕"_s);
    close->setToolTip(tr("Close the find bar (Esc)"));
    auto *findLayout = new QHBoxLayout(m_findBar);
    findLayout->setContentsMargins(0, 0, 0, 0);
    findLayout->addWidget(m_findEdit, 1);
    findLayout->addWidget(prev);
    findLayout->addWidget(next);
    findLayout->addWidget(m_findCount);
    findLayout->addWidget(close);
    m_findBar->hide();
    connect(m_findEdit, &QLineEdit::textChanged, this, [this] { refreshMatches(); });
    connect(prev, &QToolButton::clicked, this, &RawView::findPrevious);
    connect(next, &QToolButton::clicked, this, &RawView::findNext);
    connect(close, &QToolButton::clicked, this, &RawView::hideFindBar);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_findBar);
}

RawView::~RawView() = default;

QString RawView::text() const
{
    return m_view->toPlainText();
}

QString RawView::errorMessage() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

QPlainTextEdit *RawView::textView() const
{
    return m_view;
}

void RawView::clear()
{
    m_mode = Mode::Empty;
    m_shownBytes.clear();
    m_jsonText.clear();
    m_hexFirst = m_hexCount = 0;
    m_pointerLines.clear();
    m_errorSelections.clear();
    m_lineSelections.clear();
    m_matches.clear();
    m_currentMatch = -1;
    m_message->clear();
    m_message->hide();
    m_highlighter->setEnabled(false);
    m_view->clear();
    m_view->setPlaceholderText(tr("Select a ping to see its payload."));
    applySelections();
    updateFindLabel();
}

void RawView::setPing(const PingRecord &record)
{
    clear();
    if (!record.payload.isEmpty()) {
        showJson(record.payload);
    } else {
        // What is wrong, and where: the first error with a byte offset points into the
        // decoded bytes.
        QString message;
        qint64 offset = -1;
        const auto errors =
            nlohmann::json::parse(record.errorsJson.begin(), record.errorsJson.end(), nullptr, false);
        if (errors.is_array()) {
            for (const auto &e : errors) {
                if (!e.is_object())
                    continue;
                const QString text = QString::fromStdString(e.value("message", std::string()));
                const auto off = e.find("offset");
                if (off != e.end() && off->is_number_integer() && offset < 0) {
                    offset = off->get<qint64>();
                    message = text;
                } else if (message.isEmpty()) {
                    message = text;
                }
            }
        }
        const GunzipResult gz = gunzipIfGzip(record.body, kMaxDecoded);
        QByteArray bytes;
        QString note;
        switch (gz.status) {
        case GunzipResult::Status::NotGzip:
            bytes = record.body;
            note = tr("Showing the %1 bytes as received.").arg(bytes.size());
            break;
        case GunzipResult::Status::Ok:
            bytes = gz.data;
            note = tr("Showing the %1 bytes after gunzip (%2 on the wire).")
                       .arg(bytes.size())
                       .arg(record.body.size());
            break;
        case GunzipResult::Status::Corrupt:
        case GunzipResult::Status::TooLarge:
            bytes = record.body;
            offset = -1; // offsets refer to decoded bytes
            if (message.isEmpty())
                message = gz.message;
            note = tr("gunzip failed: showing the %1 bytes as received.").arg(bytes.size());
            break;
        }
        if (message.isEmpty())
            message = tr("The body is not JSON.");
        if (record.bodyTruncated)
            note += u' ' + tr("Only the first bytes of the body were kept.");
        showHex(bytes, offset, message + u'\n' + note);
    }
    if (isFindBarVisible() && !m_findEdit->text().isEmpty())
        refreshMatches();
}

void RawView::showJson(const QByteArray &payload)
{
    m_highlighter->setEnabled(true);
    m_view->setGutterVisible(true);
    if (jsonNestingDepth(payload) <= kMaxPrintableDepth) {
        try {
            const auto doc = nlohmann::ordered_json::parse(payload.begin(), payload.end());
            std::string out;
            out.reserve(std::size_t(payload.size()) * 2);
            std::unordered_map<std::string, int> lines;
            prettyPrint(doc, out, lines);
            m_pointerLines = std::move(lines);
            m_mode = Mode::Json;
            m_view->setPlainText(QString::fromStdString(out));
            return;
        } catch (const std::exception &) {
            m_pointerLines.clear(); // not parseable after all: fall through to the text
        }
    }
    m_mode = Mode::JsonText;
    m_jsonText = payload;
    m_view->setPlainText(QString::fromUtf8(payload));
    m_message->setText(
        tr("Nested deeper than %1 levels: shown as received, not pretty-printed.").arg(kMaxPrintableDepth));
    m_message->show();
}

QString RawView::hexDump(QByteArrayView bytes, qint64 firstOffset)
{
    static constexpr char16_t digits[] = u"0123456789abcdef";
    QString out;
    const qsizetype lineCount = (bytes.size() + kHexBytesPerLine - 1) / kHexBytesPerLine;
    out.reserve(lineCount * (asciiColumnOf(kHexBytesPerLine) + 2));
    for (qsizetype l = 0; l < lineCount; ++l) {
        if (l > 0)
            out += u'\n';
        const qsizetype start = l * kHexBytesPerLine;
        out += QString::number(firstOffset + start, 16).rightJustified(8, u'0');
        out += u"  "_s;
        for (int c = 0; c < kHexBytesPerLine; ++c) {
            if (c == 8)
                out += u' ';
            if (start + c < bytes.size()) {
                const auto b = static_cast<unsigned char>(bytes[start + c]);
                out += QChar(digits[b >> 4]);
                out += QChar(digits[b & 15]);
            } else {
                out += u"  "_s;
            }
            out += u' ';
        }
        out += u" |"_s;
        for (int c = 0; c < kHexBytesPerLine && start + c < bytes.size(); ++c) {
            const auto b = static_cast<unsigned char>(bytes[start + c]);
            out += b >= 0x20 && b < 0x7f ? QChar(char16_t(b)) : QChar(u'.');
        }
        out += u'|';
    }
    return out;
}

void RawView::showHex(const QByteArray &bytes, qint64 errorOffset, const QString &message)
{
    m_mode = Mode::Hex;
    m_highlighter->setEnabled(false);
    m_view->setGutterVisible(false);
    m_shownBytes = bytes;
    if (errorOffset >= bytes.size())
        errorOffset = bytes.size() - 1; // "unexpected end of input": the last byte
    m_hexFirst = 0;
    if (bytes.size() > kHexWindow && errorOffset >= 0)
        m_hexFirst = qBound<qint64>(0, (errorOffset - kHexWindow / 2) / kHexBytesPerLine * kHexBytesPerLine,
                                    (bytes.size() - kHexWindow + kHexBytesPerLine - 1) / kHexBytesPerLine *
                                        kHexBytesPerLine);
    m_hexCount = qMin<qint64>(kHexWindow, bytes.size() - m_hexFirst);
    QString label = message;
    if (m_hexCount < bytes.size())
        label += u' ' + tr("Bytes %1 to %2 of %3 are shown.")
                            .arg(m_hexFirst)
                            .arg(m_hexFirst + m_hexCount - 1)
                            .arg(bytes.size());
    m_message->setText(label);
    m_message->show();
    if (bytes.isEmpty()) {
        m_view->setPlainText(QString());
        m_view->setPlaceholderText(tr("(empty body)"));
        return;
    }
    m_view->setPlainText(hexDump(QByteArrayView(bytes).sliced(m_hexFirst, m_hexCount), m_hexFirst));

    if (errorOffset >= m_hexFirst && errorOffset < m_hexFirst + m_hexCount) {
        const qint64 rel = errorOffset - m_hexFirst;
        const QTextBlock block = m_view->document()->findBlockByNumber(int(rel / kHexBytesPerLine));
        const int col = int(rel % kHexBytesPerLine);
        QTextCharFormat fmt;
        fmt.setBackground(QColor(0xd3, 0x2f, 0x2f));
        fmt.setForeground(QColor(Qt::white));
        fmt.setFontWeight(QFont::Bold);
        for (const auto &[from, length] :
             {std::pair{hexColumnOf(col), 2}, std::pair{asciiColumnOf(col), 1}}) {
            QTextEdit::ExtraSelection sel;
            sel.cursor = QTextCursor(block);
            sel.cursor.setPosition(block.position() + from);
            sel.cursor.setPosition(block.position() + from + length, QTextCursor::KeepAnchor);
            sel.format = fmt;
            m_errorSelections.append(sel);
        }
        const int at = block.position() + hexColumnOf(col);
        selectRange(at, at, true);
    }
    applySelections();
}

int RawView::lineForPointer(const QString &jsonPointer) const
{
    if (m_mode != Mode::Json)
        return -1;
    QString p = jsonPointer;
    if (p.startsWith(u'#'))
        p.remove(0, 1);
    const auto it = m_pointerLines.find(p.toStdString());
    return it == m_pointerLines.end() ? -1 : it->second;
}

bool RawView::selectRange(int from, int to, bool center)
{
    QTextCursor cursor(m_view->document());
    cursor.setPosition(from);
    cursor.setPosition(to, QTextCursor::KeepAnchor);
    m_view->setTextCursor(cursor);
    if (center)
        m_view->centerCursor();
    else
        m_view->ensureCursorVisible();
    return true;
}

bool RawView::revealPointer(const QString &jsonPointer)
{
    const int line = lineForPointer(jsonPointer);
    if (line < 1)
        return false;
    const QTextBlock block = m_view->document()->findBlockByNumber(line - 1);
    if (!block.isValid())
        return false;
    QTextEdit::ExtraSelection sel;
    sel.cursor = QTextCursor(block);
    sel.format.setBackground(
        m_view->palette().color(QPalette::Highlight).lighter(isDark(palette()) ? 60 : 170));
    sel.format.setProperty(QTextFormat::FullWidthSelection, true);
    m_lineSelections = {sel};
    applySelections();
    return selectRange(block.position(), block.position() + block.length() - 1, true);
}

bool RawView::revealOffset(qint64 offset)
{
    if (offset < 0)
        return false;
    if (m_mode == Mode::Hex) {
        if (offset < m_hexFirst || offset >= m_hexFirst + m_hexCount)
            return false;
        const qint64 rel = offset - m_hexFirst;
        const QTextBlock block = m_view->document()->findBlockByNumber(int(rel / kHexBytesPerLine));
        const int at = block.position() + hexColumnOf(int(rel % kHexBytesPerLine));
        return selectRange(at, at + 2, true);
    }
    if (m_mode == Mode::JsonText) {
        if (offset >= m_jsonText.size())
            return false;
        const int at = int(QString::fromUtf8(m_jsonText.left(offset)).size());
        return selectRange(at, at + 1, true);
    }
    return false;
}

void RawView::showFindBar()
{
    m_findBar->show();
    m_findEdit->setFocus(Qt::ShortcutFocusReason);
    m_findEdit->selectAll();
    if (!m_findEdit->text().isEmpty() && m_matches.isEmpty())
        refreshMatches();
}

void RawView::hideFindBar()
{
    m_findBar->hide();
    m_matches.clear();
    m_currentMatch = -1;
    applySelections();
    m_view->setFocus(Qt::OtherFocusReason);
}

bool RawView::isFindBarVisible() const
{
    return !m_findBar->isHidden();
}

void RawView::setFindText(const QString &needle)
{
    if (m_findBar->isHidden())
        m_findBar->show();
    if (m_findEdit->text() == needle)
        refreshMatches();
    else
        m_findEdit->setText(needle); // refreshes through textChanged
}

void RawView::refreshMatches()
{
    m_matches.clear();
    m_currentMatch = -1;
    const QString needle = m_findEdit->text();
    if (!needle.isEmpty()) {
        QTextDocument *doc = m_view->document();
        QTextCursor c = doc->find(needle, 0);
        while (!c.isNull() && m_matches.size() < kMaxMatches) {
            m_matches.append(c);
            c = doc->find(needle, c);
        }
    }
    if (m_matches.isEmpty()) {
        applySelections();
        updateFindLabel();
        return;
    }
    // The first match at or after where the cursor is, so typing refines in place.
    const int from = m_view->textCursor().selectionStart();
    int index = 0;
    while (index < m_matches.size() && m_matches[index].selectionStart() < from)
        ++index;
    selectMatch(index < m_matches.size() ? index : 0);
}

void RawView::selectMatch(int index)
{
    m_currentMatch = index;
    const QTextCursor &c = m_matches[index];
    selectRange(c.selectionStart(), c.selectionEnd(), false);
    applySelections();
    updateFindLabel();
}

void RawView::findNext()
{
    if (m_matches.isEmpty())
        return;
    selectMatch((m_currentMatch + 1) % int(m_matches.size()));
}

void RawView::findPrevious()
{
    if (m_matches.isEmpty())
        return;
    const int n = int(m_matches.size());
    selectMatch((m_currentMatch - 1 + n) % n);
}

void RawView::updateFindLabel()
{
    if (m_findEdit->text().isEmpty())
        m_findCount->clear();
    else if (m_matches.isEmpty())
        m_findCount->setText(tr("No matches"));
    else
        m_findCount->setText(tr("%1 of %2%3")
                                 .arg(m_currentMatch + 1)
                                 .arg(m_matches.size())
                                 .arg(m_matches.size() >= kMaxMatches ? u"+"_s : QString()));
}

void RawView::applySelections()
{
    QList<QTextEdit::ExtraSelection> all = m_lineSelections;
    if (!m_matches.isEmpty()) {
        QTextCharFormat match;
        match.setBackground(QColor(0xff, 0xeb, 0x3b));
        match.setForeground(QColor(Qt::black));
        QTextCharFormat current = match;
        current.setBackground(QColor(0xff, 0x98, 0x00));
        all.reserve(all.size() + m_matches.size() + m_errorSelections.size());
        for (int i = 0; i < m_matches.size(); ++i)
            all.append({m_matches[i], i == m_currentMatch ? current : match});
    }
    all += m_errorSelections;
    m_view->setExtraSelections(all);
}

void RawView::copyAll() const
{
    QApplication::clipboard()->setText(m_view->toPlainText());
}

bool RawView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_view && watched != m_findEdit)
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::ShortcutOverride) {
        // Take Ctrl+F (and Esc in the find bar) before the window's shortcuts do.
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Find) || (watched == m_findEdit && key->key() == Qt::Key_Escape)) {
            event->accept();
            return true;
        }
    } else if (event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Find)) {
            showFindBar();
            return true;
        }
        if (watched == m_findEdit) {
            if (key->key() == Qt::Key_Escape) {
                hideFindBar();
                return true;
            }
            if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
                if (key->modifiers() & Qt::ShiftModifier)
                    findPrevious();
                else
                    findNext();
                return true;
            }
        }
    }
    return QWidget::eventFilter(watched, event);
}

void RawView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        m_highlighter->setDark(isDark(palette()));
        if (m_mode == Mode::Json || m_mode == Mode::JsonText)
            m_highlighter->rehighlight();
    }
}

} // namespace pingscope
