-- A function.lua helper: returns its input in a table ("no input" without one).
local function main(input)
  return { echo = input or "no input", ok = true }
end

return { main = main }
