"""`eventset site`: a static, offline explorer of a release (HTML, CSS, a little JavaScript).

`build.py` reads a release through the verified loader and writes the pages; `text.py` turns a
document's mentions into highlighted segments; `geo.py` locates events and draws the offline map;
`charts.py` draws the timeline. Templates and assets live beside them. (The folder is not named
`site`: the standard Python .gitignore hides a folder of that name, see tests/test_layout.py.)
"""
