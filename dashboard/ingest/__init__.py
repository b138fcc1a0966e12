"""Importing real data: read the files, check them against the contract, compare them with what is there, swap it in."""
