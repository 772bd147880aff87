-- channel.select takes the first ready case in array order (no randomisation).
local function main()
  local a = channel.new(10)
  local b = channel.new(10)
  for i = 1, 5 do
    a:send("a" .. i)
    b:send("b" .. i)
  end
  for i = 1, 5 do
    local r = channel.select { a:case_receive(), b:case_receive() }
    if r.channel ~= a or r.value ~= "a" .. i or r.ok ~= true then
      return false, "select {a, b} round " .. i .. " took " .. tostring(r.value)
    end
  end
  for i = 1, 5 do
    local r = channel.select { a:case_receive(), b:case_receive() }
    if r.channel ~= b or r.value ~= "b" .. i then
      return false, "a empty: took " .. tostring(r.value)
    end
  end
  a:send("x")
  b:send("y")
  local r = channel.select { b:case_receive(), a:case_receive() }
  if r.channel ~= b or r.value ~= "y" then
    return false, "select {b, a} took " .. tostring(r.value)
  end
  return true
end

return { main = main }
