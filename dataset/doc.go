// Package dataset is the contract between ingest, analysis and report: the
// Go values of the SPEC §2 tables (people, events, attendance, messages,
// person_week), their Arrow schemas, and a Parquet store that writes and
// reads them as Hive-style partitions (<root>/<table>/week=YYYY-Www/part-….parquet).
//
// See FORMAT.md beside this file for the on-disk layout.
package dataset
