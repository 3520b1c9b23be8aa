// Package synthetic generates a realistic, seeded organisation with a few
// weeks of calendar, mail and chat metadata. It is the embedded default of
// the CLI demo and the ground truth that fake Google and Microsoft Graph
// servers serve in tests.
//
// Generate builds an Org in two layers:
//
//   - Raw per-user views, shaped like what the provider APIs return: the
//     directory (People), each user's calendar (Calendar, one CalendarEntry
//     per event instance as that user's calendar shows it) and each user's
//     mailbox (Mailbox, one MailEntry per SENT or INBOX copy). Raw views hold
//     real-looking addresses, display names and canary titles
//     ("CANARY-SUBJECT-<n>") so tests can prove none of them leak.
//   - Org.Tables: the SPEC §2 tables exactly as a correct connector would
//     produce them from the raw views, using the mapping functions in
//     normalize.go (PersonFromUser, EventFromEntry, AttendanceFromEntry,
//     MessageFromEntry, TitleClass, ShowAsFromGoogle, IsAuto, …), which
//     connectors mirror.
//
// The same Config always yields the same Org: all randomness comes from
// Config.Seed, nothing reads the clock, and no map iteration order reaches
// the output.
package synthetic
