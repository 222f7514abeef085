import Foundation

/// One page open in a `HeadlessChromium` tab: what it logged, what it requested, what a script in it sees,
/// what it looks like.
struct BrowserPage {
    let browser: HeadlessChromium
    let session: String
    let url: String

    /// Opens `file` in a new tab of `width` × `height` CSS pixels and waits for its load event.
    static func open(_ file: URL, in browser: HeadlessChromium, width: Int = 1280, height: Int = 900) throws -> BrowserPage {
        let target = try browser.call("Target.createTarget", ["url": "about:blank"])
        guard let targetID = target["targetId"] as? String else { throw HeadlessChromium.ProtocolError(description: "no targetId: \(target)") }
        let attached = try browser.call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw HeadlessChromium.ProtocolError(description: "no sessionId: \(attached)") }
        // Console, exceptions, the browser's own log (failed loads, security violations) and every request.
        for domain in ["Page", "Runtime", "Log", "Network"] { try browser.call("\(domain).enable", session: session) }
        try browser.call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false],
                         session: session)
        let url = file.absoluteURL.absoluteString
        let navigation = try browser.call("Page.navigate", ["url": url], session: session)
        if let error = navigation["errorText"] as? String { throw HeadlessChromium.ProtocolError(description: "loading \(url): \(error)") }
        try browser.waitForEvent("Page.loadEventFired", session: session)
        return BrowserPage(browser: browser, session: session, url: url)
    }

    private var myEvents: [[String: Any]] { browser.events.filter { $0["sessionId"] as? String == session } }

    /// Console errors, warnings and failed assertions, uncaught exceptions, and error or warning entries of the
    /// browser's log (a resource that failed to load, a blocked request), each as one line.
    var problems: [String] {
        myEvents.compactMap { event -> String? in
            let params = event["params"] as? [String: Any] ?? [:]
            switch event["method"] as? String {
            case "Runtime.consoleAPICalled":
                let type = params["type"] as? String ?? "?"
                guard ["error", "warning", "assert"].contains(type) else { return nil }
                let args = (params["args"] as? [[String: Any]] ?? []).map { "\($0["value"] ?? $0["description"] ?? "")" }
                return "console.\(type): " + args.joined(separator: " ")
            case "Runtime.exceptionThrown":
                let details = params["exceptionDetails"] as? [String: Any] ?? [:]
                let exception = details["exception"] as? [String: Any] ?? [:]
                return "uncaught exception: \(details["text"] ?? "") \(exception["description"] ?? "")"
            case "Log.entryAdded":
                let entry = params["entry"] as? [String: Any] ?? [:]
                guard ["error", "warning"].contains(entry["level"] as? String ?? "") else { return nil }
                return "log \(entry["source"] ?? "?") \(entry["level"] ?? "?"): \(entry["text"] ?? "") \(entry["url"] ?? "")"
            default:
                return nil
            }
        }
    }

    /// The URL of every request the page made (the document itself first).
    var requests: [String] {
        myEvents.filter { $0["method"] as? String == "Network.requestWillBeSent" }
            .compactMap { (($0["params"] as? [String: Any])?["request"] as? [String: Any])?["url"] as? String }
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON would carry it.
    func evaluate(_ expression: String) throws -> Any? {
        let result = try browser.call("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true], session: session)
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw HeadlessChromium.ProtocolError(description: "script failed in \(url): \(exception)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// A PNG of what the viewport shows.
    func screenshot() throws -> Data {
        let shot = try browser.call("Page.captureScreenshot", ["format": "png"], session: session)
        guard let base64 = shot["data"] as? String, let png = Data(base64Encoded: base64) else {
            throw HeadlessChromium.ProtocolError(description: "no screenshot data")
        }
        return png
    }

    /// The page printed to PDF (what `@media print` makes of it).
    func pdf() throws -> Data {
        let printed = try browser.call("Page.printToPDF", ["printBackground": true], session: session, timeout: 120)
        guard let base64 = printed["data"] as? String, let pdf = Data(base64Encoded: base64) else {
            throw HeadlessChromium.ProtocolError(description: "no PDF data")
        }
        return pdf
    }
}

/// What an image holds, as the browser decodes it.
struct PixelCensus {
    var width: Int, height: Int
    /// Distinct RGB colours.
    var colours: Int
    /// The share of pixels in the most frequent colour (1 for a blank image).
    var dominantShare: Double

    /// Decodes `png` in `page` (a canvas: `getImageData`) and counts its colours. The PNG's own header must
    /// agree on the size, so a decoder that saw something else cannot pass.
    static func of(_ png: Data, in page: BrowserPage) throws -> PixelCensus {
        let bytes = [UInt8](png)
        guard bytes.count > 24, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw HeadlessChromium.ProtocolError(description: "not a PNG (\(bytes.count) bytes)")
        }
        func be32(_ i: Int) -> Int { bytes[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        let script = """
            (async () => {
              const image = new Image();
              image.src = 'data:image/png;base64,\(png.base64EncodedString())';
              await image.decode();
              const canvas = document.createElement('canvas');
              canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
              const context = canvas.getContext('2d');
              context.drawImage(image, 0, 0);
              const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
              const counts = new Map();
              for (let i = 0; i < data.length; i += 4) {
                const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
                counts.set(key, (counts.get(key) || 0) + 1);
              }
              let most = 0;
              for (const n of counts.values()) most = Math.max(most, n);
              return { width: canvas.width, height: canvas.height, colours: counts.size, dominant: most / (canvas.width * canvas.height) };
            })()
            """
        guard let r = try page.evaluate(script) as? [String: Any], let width = r["width"] as? Int, let height = r["height"] as? Int,
              let colours = r["colours"] as? Int, let dominant = (r["dominant"] as? NSNumber)?.doubleValue else {
            throw HeadlessChromium.ProtocolError(description: "the census script returned nothing usable")
        }
        guard width == be32(16), height == be32(20) else {
            throw HeadlessChromium.ProtocolError(description: "decoded \(width)×\(height), the PNG header says \(be32(16))×\(be32(20))")
        }
        return PixelCensus(width: width, height: height, colours: colours, dominantShare: dominant)
    }
}
