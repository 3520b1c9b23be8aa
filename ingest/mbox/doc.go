// Package mbox imports the headers of an employee's own exported mail — an
// mbox file (Google Takeout, Thunderbird, mutt) or a single .eml message —
// as messages rows.
//
// Only From (or Sender), To, Cc, Bcc, Date, Message-ID, In-Reply-To,
// Auto-Submitted, Precedence and Content-Type are read. Every other header
// is dropped as soon as its name is seen, and bodies are skipped line by
// line without being kept, so subjects and contents never reach memory
// beyond the read buffer. Folded headers are unfolded and RFC 2047 encoded
// display names decoded (then dropped: only addresses are kept).
//
// Dates are parsed by ParseDate, which accepts RFC 5322 and the malformed
// forms mailers really write. A message whose date cannot be read is
// skipped and reported with its position (message number and line), never
// fatal.
package mbox
