-- Sends 1..n to `parent` on topic "burst", then returns n at once.
local function main(parent, n)
  for i = 1, n do
    process.send(parent, "burst", i)
  end
  return n
end

return { main = main }
