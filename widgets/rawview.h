// SPDX-License-Identifier: MPL-2.0
// SPDX-FileCopyrightText: 2026 The Pingscope authors

#pragma once

#include <QList>
#include <QTextCursor>
#include <QTextEdit>
#include <QWidget>

#include <string>
#include <unordered_map>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QToolButton;

namespace pingscope {

struct PingRecord;
class CodeView;
class JsonHighlighter;

// The "Raw" tab of the ping inspector. A JSON payload is shown pretty-printed (two spaces, the
// client's key order) with syntax colours and line numbers; anything else is shown as a hex
// dump of the decoded bytes (the raw body when gunzip failed) with the byte a parse error
// points at highlighted, under a label that says what is wrong. Ctrl+F opens a find bar.
class RawView : public QWidget
{
    Q_OBJECT
public:
    enum class Mode
    {
        Empty,
        Json,
        JsonText,
        Hex
    };

    explicit RawView(QWidget *parent = nullptr);
    ~RawView() override;

    void setPing(const PingRecord &record);
    void clear();

    Mode mode() const { return m_mode; }
    QString text() const;             // everything shown
    QString errorMessage() const;     // what the label above says; empty when nothing is wrong
    QPlainTextEdit *textView() const; // the text area (for tests and context menus)

    // Pretty mode only: the 1-based line where the value at an RFC 6901 pointer starts
    // ("" or "#" is the root; "#/a" is accepted too), or -1 when there is no such node or the
    // payload was too deep to pretty-print.
    int lineForPointer(const QString &jsonPointer) const;
    // Selects the line of that value and scrolls to it. Returns false when it is not found.
    bool revealPointer(const QString &jsonPointer);
    // Hex mode: selects the byte at `offset` of the bytes shown; text mode: the character at
    // that byte offset of the decoded text. Returns false when the offset is not shown.
    bool revealOffset(qint64 offset);

    // Find (case-insensitive). setFindText() opens the bar; an empty text closes nothing but
    // clears the matches.
    void showFindBar();
    void hideFindBar();
    bool isFindBarVisible() const;
    void setFindText(const QString &needle);
    int matchCount() const { return int(m_matches.size()); }
    int currentMatch() const { return m_currentMatch; } // 0-based; -1 when none
    void findNext();
    void findPrevious();

    void copyAll() const;

    // Hex dump layout, shared with the tests: 16 bytes a line,
    // "oooooooo  xx xx xx xx xx xx xx xx  xx xx xx xx xx xx xx xx  |................|".
    static constexpr int kHexBytesPerLine = 16;
    static int hexColumnOf(int byteInLine) { return 10 + byteInLine * 3 + (byteInLine >= 8 ? 1 : 0); }
    static int asciiColumnOf(int byteInLine) { return 10 + kHexBytesPerLine * 3 + 1 + 2 + byteInLine; }
    static QString hexDump(QByteArrayView bytes, qint64 firstOffset);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void showJson(const QByteArray &payload);
    void showHex(const QByteArray &bytes, qint64 errorOffset, const QString &message);
    void refreshMatches();
    void selectMatch(int index);
    void applySelections();
    void updateFindLabel();
    bool selectRange(int from, int to, bool center);

    CodeView *m_view = nullptr;
    JsonHighlighter *m_highlighter = nullptr;
    QLabel *m_message = nullptr;
    QToolButton *m_copyAll = nullptr;
    QWidget *m_findBar = nullptr;
    QLineEdit *m_findEdit = nullptr;
    QLabel *m_findCount = nullptr;

    Mode m_mode = Mode::Empty;
    QByteArray m_shownBytes; // hex mode: the whole byte array the dump was made from
    QByteArray m_jsonText;   // text mode: the decoded text as shown
    qint64 m_hexFirst = 0;   // hex mode: offset of the first byte in the dump
    qint64 m_hexCount = 0;   // hex mode: number of bytes in the dump
    std::unordered_map<std::string, int> m_pointerLines; // pretty mode: pointer → 1-based line

    QList<QTextEdit::ExtraSelection> m_errorSelections;
    QList<QTextEdit::ExtraSelection> m_lineSelections;
    QList<QTextCursor> m_matches;
    int m_currentMatch = -1;
};

} // namespace pingscope
