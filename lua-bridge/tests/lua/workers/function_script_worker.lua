-- A script that returns its function itself instead of a table of exports (the
-- original accepts both): this is what its entry's method runs.
return function(parent, word)
  process.send(parent, "ran", word)
  return 0
end
