-- A process looping inside one C call of the table library (table.move, insert or
-- remove of 2^63 items: a huge range, a huge __len; nothing allocated) is stopped about
-- a second past its slice with an error that says so, and a terminate of one is
-- answered by its EXIT (wait.loops_are_stopped).
local function main()
  local ok, why = wait.loops_are_stopped({ "move", "move_back", "insert", "remove" })
  if not ok then
    return false, why
  end
  return true
end

return { main = main }
