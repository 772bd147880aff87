-- A function.lua helper: raises an error with the given message.
local function main(message)
  error("raised on purpose: " .. tostring(message))
end

return { main = main }
