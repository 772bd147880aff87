-- An entry whose script returns a function (not a table with its method) runs that
-- function with the spawn arguments, as the original does.
local function main()
  local inbox = process.inbox()
  local pid, err = process.spawn("test:function_script_worker", "test:processes", process.pid(), "hi")
  if not pid then
    return false, "spawn: " .. tostring(err)
  end
  local r = channel.select { inbox:case_receive(), time.after("2s"):case_receive() }
  if r.channel ~= inbox then
    return false, "the function never ran"
  end
  if r.value:topic() ~= "ran" or r.value:payload():data() ~= "hi" then
    return false, "unexpected message " .. r.value:topic()
  end
  return true
end

return { main = main }
