# --max-line as in the other tools: a record longer than the limit is malformed
# (named with the option), one within it is filtered; a long record can pass
# when the limit is raised
printf '%s\n' '{"id":"1","categories":["cs.CL"],"abstract":"short"}' \
  "{\"id\":\"2\",\"categories\":[\"cs.CL\"],\"abstract\":\"$(head -c 300 /dev/zero | tr '\0' 'x')\"}" > $TMP/in
arxiv-filter-cat --max-line 200 cs.CL -i $TMP/in | cut -c1-20; echo "exit ${PIPESTATUS[0]}"
arxiv-filter-cat --max-line 400 cs.CL -i $TMP/in | cut -c1-20; echo "exit ${PIPESTATUS[0]}"
arxiv-filter-cat --max-line 10 cs.CL -i $TMP/in; echo "exit $?"
arxiv-filter-cat --help | grep -- --max-line
