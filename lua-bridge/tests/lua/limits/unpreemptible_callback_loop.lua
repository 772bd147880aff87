-- A process looping where it cannot be preempted (inside a table.sort comparator, a
-- string.gsub function, a __tostring called by tostring, a script coroutine resumed
-- from a table.sort comparator, a pattern match that backtracks for ages in
-- string.find, match, gmatch or gsub) is stopped about a second past
-- its slice with an error that says so; meanwhile, with such loops on a 2-worker
-- host, the rest still runs once they are stopped, and a terminate of one is answered by
-- its EXIT. The loops may hold both workers until they are stopped, so this process can
-- wake from its sleep after the one it terminates has ended: then terminate says so
-- (wait.loops_are_stopped).
local function main()
  local ok, why = wait.loops_are_stopped({ "sort", "gsub", "tostring", "resume", "find", "match", "gmatch", "gsub_pattern" })
  if not ok then
    return false, why
  end
  return true
end

return { main = main }
