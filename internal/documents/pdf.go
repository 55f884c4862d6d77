package documents

import (
	"bytes"
	"regexp"
)

// activePDF matches PDF names that run code or carry files: a report needs none of them.
var activePDF = regexp.MustCompile(`/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm|ImportData)\b`)

// preparePDF checks a report: a PDF from its first byte to its end marker, with no
// active content and nothing of another format inside. It is stored as it came.
func preparePDF(data []byte) (Prepared, error) {
	if f := sniff(data); f != formatPDF {
		return Prepared{}, reject("An e-KYC report must be a PDF document; this file is %s. Its name and type are not what counts: its content is.", f)
	}
	tail := data[max(0, len(data)-2048):]
	if !bytes.Contains(tail, []byte("%%EOF")) || !bytes.Contains(data, []byte("startxref")) {
		return Prepared{}, reject("The PDF is damaged or incomplete (it has no end). Download or scan the report again.")
	}
	if activePDF.Match(data) {
		return Prepared{}, reject("The PDF contains scripts, attachments or forms, which the portal does not accept. Print it to a plain PDF and upload that.")
	}
	if hiddenContent(data, formatPDF) {
		return Prepared{}, reject("The PDF also holds content of another kind (a web page, script or archive). Print it to a plain PDF and upload that.")
	}
	return Prepared{ContentType: "application/pdf", Data: data}, nil
}
