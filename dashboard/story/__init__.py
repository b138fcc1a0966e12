"""The board story: its slides, as presentation mode, the PowerPoint board pack and the HTML report show them."""
