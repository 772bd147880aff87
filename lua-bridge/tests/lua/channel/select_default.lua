-- select with a default returns {default = true, ok = true} when nothing is ready,
-- in both forms: {..., default = true} and select(cases, true).
local function main()
  local ch = channel.new()
  local r = channel.select { ch:case_receive(), default = true }
  if r.default ~= true or r.ok ~= true then
    return false, "table form: no default result"
  end
  if r.channel ~= nil then
    return false, "default result names a channel"
  end
  r = channel.select({ ch:case_receive() }, true)
  if r.default ~= true then
    return false, "argument form: no default result"
  end
  -- A ready case wins over the default.
  local buf = channel.new(1)
  buf:send(5)
  r = channel.select { ch:case_receive(), buf:case_receive(), default = true }
  if r.default or r.channel ~= buf or r.value ~= 5 then
    return false, "ready case lost to the default"
  end
  -- A send case that cannot proceed also falls to the default.
  r = channel.select { ch:case_send(1), default = true }
  if r.default ~= true then
    return false, "blocked send case did not fall to the default"
  end
  -- The default is found after a hole, and beside other keys.
  r = channel.select { nil, ch:case_receive(), default = true }
  if r.default ~= true then
    return false, "a default after a hole was not seen"
  end
  r = channel.select { ch:case_receive(), [7] = "other", default = true, note = 1 }
  if r.default ~= true then
    return false, "a default beside other keys was not seen"
  end
  return true
end

return { main = main }
