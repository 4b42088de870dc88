# Prints each "not ok" line of node's TAP reports with its YAML block (up to the "..." at its own
# indent), at most 60 lines a failure, each led by its lane. A todo test that failed is printed
# too (its line ends in "# TODO"), though it does not fail the run.
/^ *not ok / {
  match($0, /^ */); indent = RLENGTH; shown = 0; inside = 1
  n = split(FILENAME, path, "/"); print "## " path[n] ": " $0; next
}
inside {
  if ($0 == sprintf("%" indent "s  ...", "")) { inside = 0; next }
  if (++shown <= 60) print
}
