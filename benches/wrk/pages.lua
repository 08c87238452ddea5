-- wrk script: level + skill with a new page number each request (page 1-2000).
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/developers?level=L2&skill=postgresql&page=" .. (counter % 2000 + 1))
end
