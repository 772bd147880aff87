-- A receive case on a closed channel is ready, with ok = false.
local function main()
  local closed = channel.new()
  closed:close()
  local open = channel.new()
  local r = channel.select { open:case_receive(), closed:case_receive() }
  if r.channel ~= closed or r.ok ~= false or r.value ~= nil then
    return false, "closed case: ok=" .. tostring(r.ok)
  end
  return true
end

return { main = main }
