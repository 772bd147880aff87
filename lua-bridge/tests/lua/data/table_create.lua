-- table.create(narr [, nrec]) (Wippy's extension) gives an empty table with room
-- reserved; a negative or non-integer size raises naming the argument.
local function main()
  local t = table.create(3, 0)
  if type(t) ~= "table" or next(t) ~= nil or #t ~= 0 then
    return false, "table.create(3, 0) is not an empty table"
  end
  t[#t + 1] = "a"
  t[#t + 1] = "b"
  if #t ~= 2 or t[2] ~= "b" then
    return false, "appending to a created table"
  end
  local u = table.create(0)
  u.x = 1
  if u.x ~= 1 then
    return false, "table.create(0) without a field count"
  end
  local ok, err = pcall(table.create, -1)
  if ok or not tostring(err):find("bad argument #1 to 'create'", 1, true) then
    return false, "table.create(-1): " .. tostring(err)
  end
  ok, err = pcall(table.create, 1, "many")
  if ok or not tostring(err):find("bad argument #2 to 'create'", 1, true) then
    return false, "table.create(1, 'many'): " .. tostring(err)
  end
  return true
end

return { main = main }
