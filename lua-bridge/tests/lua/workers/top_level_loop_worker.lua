-- Loops for ever at its chunk's top level, before it returns its exports.
while true do end

return { main = function() return "unreachable" end }
