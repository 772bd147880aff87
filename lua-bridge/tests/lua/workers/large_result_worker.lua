-- Returns a table of `n` distinct strings of about 50 bytes each (distinct, so that the
-- payload shares none of them: each becomes its own Lua string where it is received).
local function main(n)
  local t = {}
  for i = 1, n do
    t[i] = string.format("%048d", i)
  end
  return t
end

return { main = main }
